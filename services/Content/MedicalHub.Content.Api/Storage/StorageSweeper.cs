using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// Keeps the backends holding exactly what the database says exists. Each pass removes: uploads abandoned for
/// <see cref="StorageSettings.AbandonedAfter"/>; committed objects no document version refers
/// to any more (row first, then bytes: the foreign key from versions refuses the delete if one just began to); and
/// bytes an object store holds without any row (left by a crash between those two steps). Several replicas may sweep
/// at once: every step is idempotent.
/// </summary>
public sealed class StorageSweeper(IServiceScopeFactory scopes, ObjectStores stores, IOptions<StorageSettings> settings, TimeProvider time,
    ILogger<StorageSweeper> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The storage sweep failed; it runs again in {Interval}", settings.Value.SweepInterval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One pass; returns how many objects it removed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var cutoff = time.GetUtcNow() - settings.Value.AbandonedAfter;
        return await RemoveAbandonedUploadsAsync(db, cutoff, ct) + await RemoveUnreferencedAsync(db, ct) + await RemoveOrphanedBytesAsync(db, cutoff, ct);
    }

    private async Task<int> RemoveAbandonedUploadsAsync(ContentDbContext db, DateTimeOffset cutoff, CancellationToken ct)
    {
        var abandoned = await db.StoredObjects.AcrossOrganizations().AsNoTracking()
            .Where(o => o.State == StoredObjectState.Staging && o.LastActivityAt < cutoff)
            .OrderBy(o => o.LastActivityAt).Take(BatchSize).ToListAsync(ct);
        var removed = 0;
        foreach (var upload in abandoned)
        {
            // Deleting the row claims the upload (only if still silent); its bytes go next: a crash in between leaves them
            // to the orphan pass (an object store's) or they went with the row (the database's chunks cascade).
            if (await db.StoredObjects.AcrossOrganizations()
                    .Where(o => o.Key == upload.Key && o.State == StoredObjectState.Staging && o.LastActivityAt < cutoff)
                    .ExecuteDeleteAsync(ct) == 1)
            {
                await stores.For(upload).DeleteAsync(upload.OrganizationId, upload.Key, ct);
                removed++;
            }
        }
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} abandoned upload(s)", removed);
        }
        return removed;
    }

    private async Task<int> RemoveUnreferencedAsync(ContentDbContext db, CancellationToken ct)
    {
        var unreferenced = await db.StoredObjects.AcrossOrganizations().AsNoTracking()
            .Where(o => o.State == StoredObjectState.Committed
                && !db.DocumentVersions.IgnoreQueryFilters().Any(v => v.StoredObjectKey == o.Key))
            .Take(BatchSize).ToListAsync(ct);
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
            var batch = new List<HeldObject>(BatchSize);
            await foreach (var held in store.ListHeldAsync(ct))
            {
                batch.Add(held);
                if (batch.Count == BatchSize)
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
