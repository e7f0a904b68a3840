using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Work;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// Keeps the backends holding exactly what the database says exists. Each pass removes: uploads abandoned for
/// <see cref="StorageSettings.AbandonedAfter"/>; FHIR Binaries no DocumentReference filed within
/// <see cref="StorageSettings.UnfiledLifetime"/>; committed objects no document version refers to any more (row first,
/// then bytes: the foreign key from versions refuses the delete if one just began to); and bytes an object store holds
/// without any row (left by a crash between those two steps). A pass that removed a full batch is followed by another
/// at once. Several replicas may sweep at once: every step is idempotent.
/// </summary>
public sealed class StorageSweeper(IServiceScopeFactory scopes, ObjectStores stores, IOptions<StorageSettings> settings, TimeProvider time,
    ILogger<StorageSweeper> logger) : PollingWorker(logger)
{
    private const int Batch = 200;

    protected override int BatchSize => Batch;

    protected override TimeSpan PollInterval => settings.Value.SweepInterval;

    protected override TimeProvider Time => time;

    public override Task<int> RunPassAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>One pass; returns how many objects it removed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var now = time.GetUtcNow();
        return await RemoveSilentAsync(db, StoredObjectState.Staging, now - settings.Value.AbandonedAfter, "abandoned upload(s)", ct)
            + await RemoveSilentAsync(db, StoredObjectState.Unfiled, now - settings.Value.UnfiledLifetime, "Binary(ies) never filed by a DocumentReference", ct)
            + await RemoveUnreferencedAsync(db, ct)
            + await RemoveOrphanedBytesAsync(db, now - settings.Value.AbandonedAfter, ct);
    }

    /// <summary>Objects in <paramref name="state"/> untouched since <paramref name="cutoff"/>: an upload abandoned, a Binary never filed.</summary>
    private async Task<int> RemoveSilentAsync(ContentDbContext db, StoredObjectState state, DateTimeOffset cutoff, string what, CancellationToken ct)
    {
        var silent = await db.StoredObjects.AcrossOrganizations().AsNoTracking()
            .Where(o => o.State == state && o.LastActivityAt < cutoff)
            .OrderBy(o => o.LastActivityAt).Take(Batch).ToListAsync(ct);
        var removed = 0;
        foreach (var stored in silent)
        {
            // Deleting the row claims the object (only if still silent, still in that state); its bytes go next: a crash
            // in between leaves them to the orphan pass (an object store's) or they went with the row (the database's chunks cascade).
            if (await db.StoredObjects.AcrossOrganizations()
                    .Where(o => o.Key == stored.Key && o.State == state && o.LastActivityAt < cutoff)
                    .ExecuteDeleteAsync(ct) == 1)
            {
                await stores.For(stored).DeleteAsync(stored.OrganizationId, stored.Key, ct);
                removed++;
            }
        }
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} {What}", removed, what);
        }
        return removed;
    }

    private async Task<int> RemoveUnreferencedAsync(ContentDbContext db, CancellationToken ct)
    {
        var unreferenced = await db.StoredObjects.AcrossOrganizations().AsNoTracking()
            .Where(o => o.State == StoredObjectState.Committed
                && !db.DocumentVersions.IgnoreQueryFilters().Any(v => v.StoredObjectKey == o.Key))
            .Take(Batch).ToListAsync(ct);
        var removed = 0;
        foreach (var stored in unreferenced)
        {
            try
            {
                if (await db.StoredObjects.AcrossOrganizations().Where(o => o.Key == stored.Key).ExecuteDeleteAsync(ct) == 0)
                {
                    continue;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                continue; // a new version refers to it again (identical bytes uploaded meanwhile)
            }
            await stores.For(stored).DeleteAsync(stored.OrganizationId, stored.Key, ct);
            removed++;
        }
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} object(s) no version refers to", removed);
        }
        return removed;
    }

    private async Task<int> RemoveOrphanedBytesAsync(ContentDbContext db, DateTimeOffset cutoff, CancellationToken ct)
    {
        var removed = 0;
        foreach (var store in stores.All)
        {
            var batch = new List<HeldObject>(Batch);
            await foreach (var held in store.ListHeldAsync(ct))
            {
                batch.Add(held);
                if (batch.Count == Batch)
                {
                    removed += await RemoveOrphansAsync(db, store, batch, cutoff, ct);
                    batch.Clear();
                }
            }
            removed += await RemoveOrphansAsync(db, store, batch, cutoff, ct);
        }
        return removed;
    }

    private async Task<int> RemoveOrphansAsync(ContentDbContext db, IObjectStore store, List<HeldObject> held, DateTimeOffset cutoff, CancellationToken ct)
    {
        if (held.Count == 0)
        {
            return 0;
        }
        var keys = held.Select(h => h.Key).ToList();
        var known = (await db.StoredObjects.AcrossOrganizations().Where(o => keys.Contains(o.Key)).Select(o => o.Key).ToListAsync(ct)).ToHashSet();
        var removed = 0;
        foreach (var orphan in held.Where(h => !known.Contains(h.Key) && h.LastModified < cutoff))
        {
            await store.DeleteAsync(orphan.OrganizationId, orphan.Key, ct);
            removed++;
        }
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} orphaned object(s) from {Backend}", removed, store.Backend);
        }
        return removed;
    }
}
