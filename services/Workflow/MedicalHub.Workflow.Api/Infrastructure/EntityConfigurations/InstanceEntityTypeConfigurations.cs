using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Instances;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Workflow.Api.Infrastructure.EntityConfigurations;

internal sealed class PathwayInstanceEntityTypeConfiguration : IEntityTypeConfiguration<PathwayInstance>
{
    public void Configure(EntityTypeBuilder<PathwayInstance> builder)
    {
        builder.ToTable("pathway_instances");
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Outcome).HasMaxLength(64);
        builder.Property(i => i.Variables).HasColumnType("jsonb");
        builder.Property(i => i.LastEvent).HasColumnType("jsonb");
        builder.Property(i => i.CurrentStepId).HasMaxLength(27);
        builder.Property(i => i.Trigger).HasMaxLength(20);
        builder.Property(i => i.StartedBy).HasMaxLength(100);
        builder.Property(i => i.StartKey).HasMaxLength(200);
        builder.Property(i => i.RowVersion).IsRowVersion();
        builder.HasIndex(i => new { i.OrganizationId, i.StartKey }).IsUnique().HasFilter("start_key IS NOT NULL");
        builder.HasIndex(i => new { i.OrganizationId, i.PatientId });
        builder.HasIndex(i => new { i.OrganizationId, i.PathwayId, i.Status });
        builder.HasIndex(i => new { i.OrganizationId, i.StartedAt });
        builder.HasIndex(i => i.VersionId);
        builder.HasOne<CarePathway>().WithMany().HasForeignKey(i => i.PathwayId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PathwayVersion>().WithMany().HasForeignKey(i => i.VersionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StepExecutionEntityTypeConfiguration : IEntityTypeConfiguration<StepExecution>
{
    public void Configure(EntityTypeBuilder<StepExecution> builder)
    {
        builder.Property(s => s.StepId).HasMaxLength(27);
        builder.Property(s => s.StepType).HasMaxLength(20);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Actor).HasMaxLength(100);
        builder.Property(s => s.Outcome).HasMaxLength(64);
        builder.Property(s => s.Note).HasMaxLength(4000);
        builder.Property(s => s.Result).HasColumnType("jsonb");
        builder.Property(s => s.WaitEventType).HasMaxLength(100);
        builder.Property(s => s.LastError).HasMaxLength(2000);
        builder.HasIndex(s => new { s.InstanceId, s.Sequence }).IsUnique();
        // What an arriving event looks up: the steps of its organization and patient waiting for its type.
        builder.HasIndex(s => new { s.OrganizationId, s.PatientId, s.WaitEventType })
            .HasFilter("status = 'Waiting' AND wait_event_type IS NOT NULL").HasDatabaseName("ix_step_executions_waiting_for_event");
        builder.HasIndex(s => new { s.OrganizationId, s.StartedAt });
        builder.HasOne<PathwayInstance>().WithMany().HasForeignKey(s => s.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InstanceHistoryEntryEntityTypeConfiguration : IEntityTypeConfiguration<InstanceHistoryEntry>
{
    public void Configure(EntityTypeBuilder<InstanceHistoryEntry> builder)
    {
        builder.ToTable("instance_history");
        builder.Property(h => h.Id).UseIdentityAlwaysColumn();
        builder.Property(h => h.Actor).HasMaxLength(100);
        builder.Property(h => h.Action).HasMaxLength(50);
        builder.Property(h => h.StepId).HasMaxLength(27);
        builder.Property(h => h.Detail).HasColumnType("jsonb");
        builder.HasIndex(h => new { h.InstanceId, h.Id });
        builder.HasOne<PathwayInstance>().WithMany().HasForeignKey(h => h.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CompensationEntityTypeConfiguration : IEntityTypeConfiguration<Compensation>
{
    public void Configure(EntityTypeBuilder<Compensation> builder)
    {
        builder.Property(c => c.StepId).HasMaxLength(27);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Result).HasColumnType("jsonb");
        builder.Property(c => c.LastError).HasMaxLength(2000);
        builder.HasIndex(c => new { c.InstanceId, c.Order }).IsUnique();
        builder.HasIndex(c => new { c.InstanceId, c.StepExecutionId }).IsUnique();
        builder.HasOne<PathwayInstance>().WithMany().HasForeignKey(c => c.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}
