using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Infrastructure;

/// <summary>The Content service's own database: medical documents, their versions, search, sharing and access audit. No other service reads it.
/// Documents are scoped to the current organization (<see cref="OrganizationScopedDbContext"/>).</summary>
public sealed class ContentDbContext(DbContextOptions<ContentDbContext> options) : OrganizationScopedDbContext(options)
{
    public DbSet<Document> Documents => Set<Document>();

    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();

    public DbSet<StoredObject> StoredObjects => Set<StoredObject>();

    public DbSet<Share> Shares => Set<Share>();

    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();

    public DbSet<ShareLinkUse> ShareLinkUses => Set<ShareLinkUse>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContentDbContext).Assembly);
        modelBuilder.AddOutbox();
    }
}
