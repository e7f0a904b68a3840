using System.Text.Json;
using MedicalHub.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Communication.Api.Conversations;

internal sealed class ConversationEntityTypeConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.LinkType).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Subject).HasMaxLength(ConversationRules.MaxSubjectLength);
        builder.Property(c => c.RoutedRole).HasMaxLength(100);
        builder.Property(c => c.DirectKey).HasMaxLength(80);
        // A pair of staff members has one direct conversation per organization, even when both start it at once.
        builder.HasIndex(c => new { c.OrganizationId, c.DirectKey }).IsUnique().HasFilter("direct_key IS NOT NULL");
        // A care team's inbox: the patient conversations routed to a role, newest first.
        builder.HasIndex(c => new { c.OrganizationId, c.RoutedRole, c.LastMessageAt }).HasFilter("routed_role IS NOT NULL");
        builder.HasIndex(c => new { c.OrganizationId, c.PatientId }).HasFilter("patient_id IS NOT NULL");
        builder.HasMany(c => c.Participants).WithOne().HasForeignKey(p => p.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConversationParticipantEntityTypeConfiguration : IEntityTypeConfiguration<ConversationParticipant>
{
    public void Configure(EntityTypeBuilder<ConversationParticipant> builder)
    {
        builder.ToTable("conversation_participants");
        builder.HasKey(p => new { p.ConversationId, p.UserId });
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        // "My conversations" (and the offline fallback's scan: participants behind the conversation's newest message).
        builder.HasIndex(p => new { p.OrganizationId, p.UserId });
    }
}

internal sealed class ConversationMessageEntityTypeConfiguration : IEntityTypeConfiguration<ConversationMessage>
{
    public void Configure(EntityTypeBuilder<ConversationMessage> builder)
    {
        builder.ToTable("conversation_messages");
        builder.HasIndex(m => new { m.ConversationId, m.Sequence }).IsUnique();
        builder.HasIndex(m => new { m.ConversationId, m.SenderId, m.ClientMessageId }).IsUnique().HasFilter("client_message_id IS NOT NULL");
        // Retention: an organization's messages by age.
        builder.HasIndex(m => new { m.OrganizationId, m.CreatedAt });
        builder.Property(m => m.SenderKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Body).HasMaxLength(ConversationRules.MaxBodyLength);
        builder.Property(m => m.Mentions).HasColumnType("uuid[]");
        builder.Property(m => m.Attachments).HasColumnType("jsonb").HasConversion(
            a => JsonSerializer.Serialize(a, JsonSerializerOptions.Web),
            json => JsonSerializer.Deserialize<List<MessageAttachment>>(json, JsonSerializerOptions.Web) ?? new List<MessageAttachment>(),
            new ValueComparer<List<MessageAttachment>>((a, b) => a!.SequenceEqual(b!), a => a.Aggregate(0, (h, x) => HashCode.Combine(h, x)), a => a.ToList()));
        // Search over messages: the words of the text, any language (the 'simple' configuration: no stemming, no stop words).
        builder.Property<NpgsqlTypes.NpgsqlTsVector>("SearchVector")
            .HasComputedColumnSql("to_tsvector('simple', body)", stored: true);
        builder.HasIndex("SearchVector").HasMethod("gin");
        builder.HasMany(m => m.Reactions).WithOne().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageRevisionEntityTypeConfiguration : IEntityTypeConfiguration<MessageRevision>
{
    public void Configure(EntityTypeBuilder<MessageRevision> builder)
    {
        builder.ToTable("message_revisions");
        builder.Property(r => r.Id).UseIdentityAlwaysColumn();
        builder.Property(r => r.Change).HasMaxLength(16);
        builder.Property(r => r.Body).HasMaxLength(ConversationRules.MaxBodyLength);
        builder.HasIndex(r => new { r.MessageId, r.Revision }).IsUnique();
        builder.HasOne<ConversationMessage>().WithMany().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageReactionEntityTypeConfiguration : IEntityTypeConfiguration<MessageReaction>
{
    public void Configure(EntityTypeBuilder<MessageReaction> builder)
    {
        builder.ToTable("message_reactions");
        builder.HasKey(r => new { r.MessageId, r.UserId, r.Emoji });
        builder.Property(r => r.Emoji).HasMaxLength(ConversationRules.MaxEmojiLength);
    }
}

internal sealed class ConversationRetentionEntityTypeConfiguration : IEntityTypeConfiguration<ConversationRetention>
{
    public void Configure(EntityTypeBuilder<ConversationRetention> builder)
    {
        builder.ToTable("conversation_retention");
        builder.HasKey(r => r.OrganizationId);
    }
}

internal sealed class MessageAccessRecordEntityTypeConfiguration : IEntityTypeConfiguration<MessageAccessRecord>
{
    public void Configure(EntityTypeBuilder<MessageAccessRecord> builder)
    {
        builder.ToTable("message_access_records");
        builder.IsAuditChain();
        builder.Property(r => r.Action).HasMaxLength(32);
        builder.Property(r => r.ClientId).HasMaxLength(100);
        builder.Property(r => r.IpAddress).HasMaxLength(45);
        builder.Property(r => r.ForwardedFor).HasMaxLength(200);
        builder.Property(r => r.UserAgent).HasMaxLength(500);
        builder.Property(r => r.RequestId).HasMaxLength(64);
        builder.Property(r => r.Detail).HasMaxLength(500);
        builder.HasIndex(r => new { r.OrganizationId, r.ConversationId, r.OccurredAt });
        builder.HasIndex(r => new { r.OrganizationId, r.UserId, r.OccurredAt });
    }
}
