using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Ingestion;

/// <summary>Puts documents (back) into the pipeline: one, or every document of the organization (e.g. after an extractor upgrade).</summary>
public sealed class IngestionReruns(ContentDbContext db, OrganizationScope scope, IngestionSignal signal, TimeProvider time)
{
    /// <summary>Re-runs the current version of the organization's document; false when the organization has no such document.</summary>
    public async Task<bool> RerunAsync(Guid documentId, CancellationToken ct)
    {
        var version = await db.Documents.Where(d => d.Id == documentId).Select(d => (int?)d.CurrentVersion).SingleOrDefaultAsync(ct);
        if (version is null)
        {
            return false;
        }
        await RerunWhereAsync(documentId, onlyFailed: false, ct);
        return true;
    }

    /// <summary>Re-runs the current version of every document of the organization (or only those whose processing failed); returns how many.</summary>
    public Task<int> RerunAllAsync(bool onlyFailed, CancellationToken ct) => RerunWhereAsync(null, onlyFailed, ct);

    private async Task<int> RerunWhereAsync(Guid? documentId, bool onlyFailed, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var organization = scope.OrganizationId ?? throw new OrganizationScopeViolationException("Documents are re-run within an organization's scope.");
        // A job already being processed is left to finish; any other is reset (or created, for a version that never had one).
        var count = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO ingestion_jobs (id, organization_id, document_id, version_number, state, attempts, next_attempt_at, created_at, updated_at)
            SELECT gen_random_uuid(), d.organization_id, d.id, d.current_version, 'pending', 0, {now}, {now}, {now}
            FROM documents d
            LEFT JOIN ingestion_jobs j ON j.document_id = d.id AND j.version_number = d.current_version
            WHERE d.organization_id = {organization} AND d.deleted_at IS NULL
              AND ({documentId}::uuid IS NULL OR d.id = {documentId})
              AND (NOT {onlyFailed} OR j.state = 'failed')
              AND (j.state IS NULL OR j.state <> 'processing')
            ON CONFLICT (document_id, version_number) DO UPDATE
            SET state = 'pending', attempts = 0, next_attempt_at = EXCLUDED.next_attempt_at, last_error = NULL, lease_owner = NULL,
                lease_until = NULL, completed_at = NULL, updated_at = EXCLUDED.updated_at
            """, ct);
        signal.Wake();
        return count;
    }
}
