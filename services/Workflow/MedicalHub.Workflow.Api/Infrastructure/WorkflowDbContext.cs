using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Model;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Infrastructure;

/// <summary>The Workflow service's own database: care pathways, tasks, decision support, protocol compliance and process analytics. No other service reads it.
/// Care pathways are scoped to the current organization (<see cref="OrganizationScopedDbContext"/>).</summary>
public sealed class WorkflowDbContext(DbContextOptions<WorkflowDbContext> options) : OrganizationScopedDbContext(options)
{
    public DbSet<CarePathway> CarePathways => Set<CarePathway>();

    protected override void ConfigureModel(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WorkflowDbContext).Assembly);
}
