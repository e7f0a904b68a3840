using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Patients;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Infrastructure;

/// <summary>The Content service's own database: patients, medical documents, their versions, search, sharing, the PHI access audit and the
/// outbox of its integration events. No other service reads it. Organization-owned rows are scoped to the current organization
/// (<see cref="OrganizationScopedDbContext"/>).</summary>
public sealed class ContentDbContext(DbContextOptions<ContentDbContext> options) : OrganizationScopedDbContext(options)
{
    public DbSet<Document> Documents => Set<Document>();

    public DbSet<PhiAccessRecord> PhiAccessRecords => Set<PhiAccessRecord>();

    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<PatientIdentifier> PatientIdentifiers => Set<PatientIdentifier>();

    public DbSet<PatientNameTerm> PatientNameTerms => Set<PatientNameTerm>();

    public DbSet<PatientVersion> PatientVersions => Set<PatientVersion>();

    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();

    public DbSet<StoredObject> StoredObjects => Set<StoredObject>();

    public DbSet<Share> Shares => Set<Share>();

    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();

    public DbSet<ShareLinkUse> ShareLinkUses => Set<ShareLinkUse>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        // Double metaphone codes of patients' names (phonetic search), from PostgreSQL's contrib.
        modelBuilder.HasPostgresExtension("fuzzystrmatch");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContentDbContext).Assembly);
        modelBuilder.AddOutbox();
    }
}
