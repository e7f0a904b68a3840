using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Model;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Infrastructure;

/// <summary>The Content service's own database: medical documents, their versions, search, sharing and access audit. No other service reads it.
/// Documents are scoped to the current organization (<see cref="OrganizationScopedDbContext"/>).</summary>
public sealed class ContentDbContext(DbContextOptions<ContentDbContext> options) : OrganizationScopedDbContext(options)
{
    public DbSet<Document> Documents => Set<Document>();

    public DbSet<PhiAccessRecord> PhiAccessRecords => Set<PhiAccessRecord>();

    protected override void ConfigureModel(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContentDbContext).Assembly);
}
