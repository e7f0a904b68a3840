using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Tenancy;
using MedicalHub.Data.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// Purges documents deleted longer ago than <see cref="DocumentSettings.DeletedRetention"/>, with their versions (and
/// their shares and links, by cascade), one organization at a time: each purge is recorded (<c>purge</c>, by Content
/// itself) in the organization's PHI access chain in the transaction that deletes it. Their bytes, once no version of
/// any document refers to them, are then removed by the storage sweeper. A pass that purged a full batch is followed by
/// another at once. Idempotent, so every replica may run it.
/// </summary>
public sealed class DeletedDocumentPurger(IServiceScopeFactory scopes, IOptions<DocumentSettings> settings, TimeProvider time,
    ILogger<DeletedDocumentPurger> logger) : PollingWorker(logger)
{
    private const int Batch = 100;

    protected override int BatchSize => Batch;

    protected override TimeSpan PollInterval => settings.Value.PurgeInterval;

    protected override TimeProvider Time => time;

    public override Task<int> RunPassAsync(CancellationToken cancellationToken) => PurgeAsync(cancellationToken);

    /// <summary>One pass: purges up to a batch of documents past their retention; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow() - settings.Value.DeletedRetention;
        List<Guid> organizations;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Across organizations by nature: which organizations have documents to purge (each is then purged in its own scope).
            organizations = await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Documents.IgnoreQueryFilters()
                .Where(d => d.DeletedAt != null && d.DeletedAt < before)
                .Select(d => d.OrganizationId).Distinct().Take(Batch).ToListAsync(ct);
        }
        var purged = 0;
        foreach (var organization in organizations)
        {
            purged += await PurgeOrganizationAsync(organization, before, Batch - purged, ct);
            if (purged >= Batch)
            {
                break;
            }
        }
        if (purged > 0)
        {
            logger.LogInformation("Purged {Count} deleted document(s) past their retention", purged);
        }
        return purged;
    }

    private async Task<int> PurgeOrganizationAsync(Guid organization, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrganizationScope>().ActFor(organization);
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<PhiAccessAudit>();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Locked, so a concurrent purge (another replica) or undelete of the same documents waits and then finds them gone.
            var due = await db.Documents.FromSql($"""
                    SELECT * FROM documents WHERE organization_id = {organization} AND deleted_at < {before}
                    ORDER BY deleted_at LIMIT {limit} FOR UPDATE SKIP LOCKED
                    """)
                .IgnoreQueryFilters([Document.NotDeletedFilter]).AsNoTracking()
                .Select(d => new { d.Id, d.PatientId, d.DeletedAt }).ToListAsync(ct);
            if (due.Count == 0)
            {
                return 0;
            }
            var ids = due.Select(d => d.Id).ToList();
            await audit.RecordWithinTransactionAsync(db, [.. due.Select(d => new PhiAccess(PhiActions.Purge, "DocumentReference", d.Id.ToString(),
                d.PatientId is { } patient ? [patient] : [], Detail: $"deleted {d.DeletedAt:O}, retention ended"))], ct);
            await db.SaveChangesAsync(ct);
            var purged = await db.Documents.IgnoreQueryFilters([Document.NotDeletedFilter]).Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            return purged;
        }, cancellationToken);
    }
}
