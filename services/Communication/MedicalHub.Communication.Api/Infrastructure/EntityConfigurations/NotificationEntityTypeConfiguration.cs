using MedicalHub.Communication.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Communication.Api.Infrastructure.EntityConfigurations;

internal sealed class NotificationEntityTypeConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Category).HasMaxLength(100);
        builder.Property(n => n.Recipient).HasMaxLength(320);
        builder.Property(n => n.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.TemplateKey).HasMaxLength(100);
        builder.Property(n => n.Locale).HasMaxLength(35);
        builder.Property(n => n.IdempotencyKey).HasMaxLength(200);
        builder.Property(n => n.RequestHash).HasMaxLength(64);
        builder.Property(n => n.RequestedBy).HasMaxLength(200);
        builder.Property(n => n.TraceParent).HasMaxLength(55);
        builder.HasIndex(n => new { n.OrganizationId, n.Status });
        builder.HasIndex(n => new { n.OrganizationId, n.Recipient, n.CreatedAt });
        // The same key never creates a second notification in one organization (even under concurrent requests).
        builder.HasIndex(n => new { n.OrganizationId, n.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
        builder.HasMany(n => n.Deliveries).WithOne().HasForeignKey(d => d.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}
