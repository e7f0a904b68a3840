using MedicalHub.Workflow.Api.Model;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Infrastructure;

/// <summary>The Workflow service's own database: care pathways, tasks, decision support, protocol compliance and process analytics. No other service reads it.</summary>
public sealed class WorkflowDbContext(DbContextOptions<WorkflowDbContext> options) : DbContext(options)
{
    public DbSet<CarePathway> CarePathways => Set<CarePathway>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WorkflowDbContext).Assembly);
}
