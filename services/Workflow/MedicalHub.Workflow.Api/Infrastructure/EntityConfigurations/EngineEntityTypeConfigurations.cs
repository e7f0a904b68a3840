using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Workflow.Api.Infrastructure.EntityConfigurations;

internal sealed class WorkItemEntityTypeConfiguration : IEntityTypeConfiguration<WorkItem>
{
    public void Configure(EntityTypeBuilder<WorkItem> builder)
    {
        builder.Property(w => w.Id).UseIdentityAlwaysColumn();
        builder.Property(w => w.Kind).HasMaxLength(20);
        builder.Property(w => w.LastError).HasMaxLength(2000);
        // No foreign key to the instance: an item may outlive a deleted instance, and the engine records that harmlessly.
        builder.HasIndex(w => new { w.OrganizationId, w.DueAt }).HasFilter("NOT held").HasDatabaseName("ix_work_items_due");
        builder.HasIndex(w => w.DueAt).HasFilter("NOT held AND kind IN ('call', 'compensate')").HasDatabaseName("ix_work_items_call_lane_due");
        builder.HasIndex(w => new { w.StepExecutionId, w.Kind }).IsUnique().HasFilter("step_execution_id IS NOT NULL");
        builder.HasIndex(w => w.InstanceId);
    }
}

internal sealed class DiscardedWorkItemEntityTypeConfiguration : IEntityTypeConfiguration<DiscardedWorkItem>
{
    public void Configure(EntityTypeBuilder<DiscardedWorkItem> builder)
    {
        builder.Property(w => w.Id).UseIdentityAlwaysColumn();
        builder.Property(w => w.Kind).HasMaxLength(20);
        builder.Property(w => w.Reason).HasMaxLength(500);
        builder.HasIndex(w => w.InstanceId);
    }
}

internal sealed class KnownPatientEntityTypeConfiguration : IEntityTypeConfiguration<KnownPatient>
{
    public void Configure(EntityTypeBuilder<KnownPatient> builder)
    {
        builder.HasKey(p => new { p.OrganizationId, p.PatientId });
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Gender).HasMaxLength(20);
        builder.Property(p => p.Email).HasMaxLength(320);
        builder.Property(p => p.Locale).HasMaxLength(35);
    }
}

internal sealed class PatientObservationEntityTypeConfiguration : IEntityTypeConfiguration<PatientObservation>
{
    public void Configure(EntityTypeBuilder<PatientObservation> builder)
    {
        builder.HasKey(o => new { o.OrganizationId, o.PatientId, o.Code });
        builder.Property(o => o.Code).HasMaxLength(100);
        builder.Property(o => o.System).HasMaxLength(200);
        builder.Property(o => o.ValueText).HasMaxLength(500);
        builder.Property(o => o.Unit).HasMaxLength(50);
    }
}

internal sealed class SentNotificationEntityTypeConfiguration : IEntityTypeConfiguration<SentNotification>
{
    public void Configure(EntityTypeBuilder<SentNotification> builder)
    {
        builder.HasKey(n => n.OutboxMessageId);
        builder.Property(n => n.Status).HasMaxLength(20);
        builder.HasIndex(n => new { n.OrganizationId, n.NotificationId });
        builder.HasIndex(n => n.InstanceId);
    }
}

internal sealed class PatientAccessRecordEntityTypeConfiguration : IEntityTypeConfiguration<Audit.PatientAccessRecord>
{
    public void Configure(EntityTypeBuilder<Audit.PatientAccessRecord> builder)
    {
        builder.ToTable("patient_access_audit");
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.Actor).HasMaxLength(100);
        builder.Property(a => a.Resource).HasMaxLength(50);
        builder.HasIndex(a => new { a.OrganizationId, a.At });
    }
}
