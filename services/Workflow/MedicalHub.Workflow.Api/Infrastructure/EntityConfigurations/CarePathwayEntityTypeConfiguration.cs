using MedicalHub.Workflow.Api.Model;
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
