using MedicalHub.Communication.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Communication.Api.Infrastructure.EntityConfigurations;

internal sealed class MessageTemplateEntityTypeConfiguration : IEntityTypeConfiguration<MessageTemplate>
{
    public void Configure(EntityTypeBuilder<MessageTemplate> builder)
    {
        builder.ToTable("message_templates");
        builder.Property(t => t.Key).HasMaxLength(100);
        builder.Property(t => t.Locale).HasMaxLength(35);
        builder.Property(t => t.Subject).HasMaxLength(1000);
        builder.HasIndex(t => new { t.OrganizationId, t.Key, t.Locale }).IsUnique();
    }
}

internal sealed class ChannelRoutingEntityTypeConfiguration : IEntityTypeConfiguration<ChannelRouting>
{
    public void Configure(EntityTypeBuilder<ChannelRouting> builder)
    {
        builder.HasKey(r => new { r.OrganizationId, r.Channel });
        builder.Property(r => r.Channel).HasConversion<string>().HasMaxLength(10);
    }
}
