using MedicalHub.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.AccessAudit;

internal sealed class PhiAccessRecordEntityTypeConfiguration : IEntityTypeConfiguration<PhiAccessRecord>
{
    public void Configure(EntityTypeBuilder<PhiAccessRecord> builder)
    {
        builder.ToTable("phi_access_records");
        builder.IsAuditChain();
        builder.Property(r => r.Action).HasMaxLength(32);
        builder.Property(r => r.ClientId).HasMaxLength(100);
        builder.Property(r => r.ResourceType).HasMaxLength(64);
        builder.Property(r => r.ResourceId).HasMaxLength(64);
        builder.Property(r => r.PurposeOfUse).HasMaxLength(32);
        builder.Property(r => r.Query).HasMaxLength(500);
        builder.Property(r => r.IpAddress).HasMaxLength(45);
        builder.Property(r => r.ForwardedFor).HasMaxLength(200);
        builder.Property(r => r.UserAgent).HasMaxLength(500);
        builder.Property(r => r.RequestId).HasMaxLength(64);
        builder.Property(r => r.Detail).HasMaxLength(500);
        // "Who looked at my record": the records naming a patient (array containment, served by GIN).
        builder.HasIndex(r => r.PatientIds).HasMethod("gin");
        // "What did this user look at": by user, newest first.
        builder.HasIndex(r => new { r.OrganizationId, r.UserId, r.OccurredAt });
        builder.HasIndex(r => new { r.OrganizationId, r.OccurredAt });
    }
}
