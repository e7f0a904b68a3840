using MedicalHub.Communication.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Communication.Api.Infrastructure.EntityConfigurations;

internal sealed class DeliveryEntityTypeConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.ToTable("deliveries");
        builder.Property(d => d.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Address).HasMaxLength(4096);
        builder.Property(d => d.Subject).HasMaxLength(1000);
        builder.Property(d => d.HeadersJson).HasColumnType("jsonb");
        builder.Property(d => d.DataJson).HasColumnType("jsonb");
        builder.Property(d => d.Provider).HasMaxLength(100);
        builder.Property(d => d.ProviderMessageId).HasMaxLength(500);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.Property(d => d.TraceParent).HasMaxLength(55);
        // A worker finishing after its lease was taken over must not overwrite the new owner's work.
        builder.Property(d => d.LeaseOwner).IsConcurrencyToken();
        // What the engine scans: deliveries waiting for their time, and claims whose lease may have expired.
        builder.HasIndex(d => d.NextAttemptAt).HasFilter("status IN ('Queued', 'Scheduled')").HasDatabaseName("ix_deliveries_due");
        builder.HasIndex(d => d.LeaseUntil).HasFilter("status = 'Sending'").HasDatabaseName("ix_deliveries_leased");
        builder.HasIndex(d => d.NotificationId);
        // A user's inbox, newest first (ids are time-ordered).
        builder.HasIndex(d => new { d.OrganizationId, d.Address, d.Id }).HasFilter("channel = 'InApp'").HasDatabaseName("ix_deliveries_inbox");
        builder.HasMany(d => d.AttemptLog).WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}
