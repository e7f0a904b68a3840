using MedicalHub.Data.Inbox;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Instances;
using MedicalHub.Workflow.Api.Notifications;
using MedicalHub.Workflow.Api.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace MedicalHub.Workflow.Api.Infrastructure;

/// <summary>
/// The Workflow service's own database: care pathways and their versions, instances with their steps, history and
/// compensations, tasks, the engine's work items, the known-patient copy, and the outbox and inbox. No other service
/// reads it. Organization-owned rows are scoped to the current organization (<see cref="OrganizationScopedDbContext"/>).
/// </summary>
public sealed class WorkflowDbContext(DbContextOptions<WorkflowDbContext> options) : OrganizationScopedDbContext(options)
{
    public DbSet<CarePathway> CarePathways => Set<CarePathway>();
    public DbSet<PathwayVersion> PathwayVersions => Set<PathwayVersion>();
    public DbSet<PathwayInstance> Instances => Set<PathwayInstance>();
    public DbSet<StepExecution> StepExecutions => Set<StepExecution>();
    public DbSet<InstanceHistoryEntry> History => Set<InstanceHistoryEntry>();
    public DbSet<Compensation> Compensations => Set<Compensation>();
    public DbSet<CareTask> Tasks => Set<CareTask>();
    public DbSet<WorkItem> WorkItems => Set<WorkItem>();
    public DbSet<DiscardedWorkItem> DiscardedWorkItems => Set<DiscardedWorkItem>();
    public DbSet<KnownPatient> KnownPatients => Set<KnownPatient>();
    public DbSet<PatientObservation> PatientObservations => Set<PatientObservation>();
    public DbSet<SentNotification> SentNotifications => Set<SentNotification>();

    /// <summary>
    /// The runs of one instance's steps that this unit of work tracks, read without a DetectChanges over everything tracked:
    /// a bulk start or a timer batch tracks thousands of rows, and asking once per instance made such a unit quadratic.
    /// </summary>
    public List<EntityEntry<StepExecution>> TrackedStepExecutions(Guid instanceId)
    {
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return [.. ChangeTracker.Entries<StepExecution>().Where(e => e.Entity.InstanceId == instanceId)];
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WorkflowDbContext).Assembly);
        modelBuilder.AddOutbox();
        modelBuilder.AddInbox();
    }
}
