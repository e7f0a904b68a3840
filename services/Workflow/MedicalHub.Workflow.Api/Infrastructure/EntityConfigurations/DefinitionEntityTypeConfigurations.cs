using MedicalHub.Workflow.Api.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Workflow.Api.Infrastructure.EntityConfigurations;

internal sealed class CarePathwayEntityTypeConfiguration : IEntityTypeConfiguration<CarePathway>
{
    public void Configure(EntityTypeBuilder<CarePathway> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(p => new { p.OrganizationId, p.Name });
    }
}

internal sealed class PathwayVersionEntityTypeConfiguration : IEntityTypeConfiguration<PathwayVersion>
{
    public void Configure(EntityTypeBuilder<PathwayVersion> builder)
    {
        builder.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(v => v.Document).HasColumnType("jsonb");
        builder.Property(v => v.TriggerEvent).HasMaxLength(100);
        builder.HasIndex(v => new { v.PathwayId, v.Number }).IsUnique();
        builder.HasIndex(v => new { v.OrganizationId, v.TriggerEvent }).HasFilter("trigger_event IS NOT NULL");
        builder.HasOne<CarePathway>().WithMany().HasForeignKey(v => v.PathwayId).OnDelete(DeleteBehavior.Cascade);
    }
}
