using MedicalHub.Content.Api.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Sharing;

internal sealed class ShareEntityTypeConfiguration : IEntityTypeConfiguration<Share>
{
    public void Configure(EntityTypeBuilder<Share> builder)
    {
        builder.Property(s => s.RecipientRole).HasMaxLength(100);
        builder.Property(s => s.CreatedByClient).HasMaxLength(100);
        builder.Property(s => s.RevokedByClient).HasMaxLength(100);
        builder.Property(s => s.IdempotencyKey).HasMaxLength(SharesApi.MaxIdempotencyKeyLength);
        builder.HasOne<Document>().WithMany().HasForeignKey(s => s.DocumentId).OnDelete(DeleteBehavior.Cascade);
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_shares_one_subject", "(document_id IS NULL) <> (patient_id IS NULL)");
            t.HasCheckConstraint("ck_shares_one_recipient", "(recipient_user_id IS NULL) <> (recipient_role IS NULL)");
            t.HasCheckConstraint("ck_shares_has_author", "created_by IS NOT NULL OR created_by_client IS NOT NULL");
        });
        // What reads look up: the grants of a recipient.
        builder.HasIndex(s => new { s.RecipientOrganizationId, s.RecipientUserId }).HasFilter("revoked_at IS NULL");
        builder.HasIndex(s => new { s.RecipientOrganizationId, s.RecipientRole }).HasFilter("revoked_at IS NULL AND recipient_role IS NOT NULL");
        builder.HasIndex(s => new { s.OrganizationId, s.DocumentId });
        builder.HasIndex(s => new { s.OrganizationId, s.PatientId });
        builder.HasIndex(s => new { s.OrganizationId, s.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
    }
}

internal sealed class ShareLinkEntityTypeConfiguration : IEntityTypeConfiguration<ShareLink>
{
    public void Configure(EntityTypeBuilder<ShareLink> builder)
    {
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasIndex(l => new { l.OrganizationId, l.DocumentId });
        builder.HasOne<Document>().WithMany().HasForeignKey(l => l.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ShareLinkUseEntityTypeConfiguration : IEntityTypeConfiguration<ShareLinkUse>
{
    public void Configure(EntityTypeBuilder<ShareLinkUse> builder)
    {
        builder.Property(u => u.Id).UseIdentityAlwaysColumn();
        builder.Property(u => u.Outcome).HasMaxLength(32);
        builder.Property(u => u.RemoteAddress).HasMaxLength(64);
        builder.Property(u => u.UserAgent).HasMaxLength(300);
        builder.HasIndex(u => new { u.LinkId, u.At });
        builder.HasOne<ShareLink>().WithMany().HasForeignKey(u => u.LinkId).OnDelete(DeleteBehavior.Cascade);
    }
}
