using MedicalHub.Workflow.Api.Instances;
using MedicalHub.Workflow.Api.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Workflow.Api.Infrastructure.EntityConfigurations;

internal sealed class CareTaskEntityTypeConfiguration : IEntityTypeConfiguration<CareTask>
{
    public void Configure(EntityTypeBuilder<CareTask> builder)
    {
        builder.ToTable("tasks");
        builder.Property(t => t.Kind).HasMaxLength(20);
        builder.Property(t => t.Title).HasMaxLength(200);
        builder.Property(t => t.Description).HasMaxLength(4000);
        builder.Property(t => t.AssignedRole).HasMaxLength(100);
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Priority).HasMaxLength(10);
        builder.Property(t => t.Outcome).HasMaxLength(64);
        builder.Property(t => t.Note).HasMaxLength(4000);
        builder.Property(t => t.RowVersion).IsRowVersion();
        builder.HasIndex(t => new { t.OrganizationId, t.Status, t.AssignedRole });
        builder.HasIndex(t => new { t.OrganizationId, t.ClaimedBy });
        builder.HasIndex(t => new { t.OrganizationId, t.AssignedUserId });
        builder.HasIndex(t => new { t.OrganizationId, t.PatientId });
        builder.HasIndex(t => new { t.OrganizationId, t.UpdatedAt });
        builder.HasIndex(t => new { t.OrganizationId, t.DueAt }).HasFilter("status IN ('Ready', 'InProgress', 'OnHold')");
        builder.HasIndex(t => t.StepExecutionId);
        builder.HasIndex(t => t.InstanceId);
        builder.HasOne<PathwayInstance>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}
