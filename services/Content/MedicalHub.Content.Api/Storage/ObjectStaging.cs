using MedicalHub.Content.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// Writes an upload's bytes as a new <see cref="StoredObjectState.Staging"/> object of the current organization: its row
/// is committed first, so that whatever happens next (the client vanishes, this process is killed) the sweeper knows the
/// bytes exist and removes them once the upload has been silent for <see cref="StorageSettings.AbandonedAfter"/>.
/// While the bytes flow the row's mark is renewed; a failed upload is discarded at once.
/// </summary>
public sealed class ObjectStaging(ContentDbContext db, ObjectStores stores, IOptions<StorageSettings> settings, TimeProvider time,
    ILogger<ObjectStaging> logger)
{
    /// <summary>A written object (not yet committed) with its first bytes, for media type detection.</summary>
    public sealed record Staged(StoredObject Stored, ReadOnlyMemory<byte> Head);

    public async Task<Staged> StageAsync(Stream source, long maxBytes, CancellationToken ct)
    {
        var store = stores.ForWriting;
        var now = time.GetUtcNow();
        var stored = new StoredObject { Backend = store.Backend, CreatedAt = now, LastActivityAt = now };
        db.StoredObjects.Add(stored);
        await db.SaveChangesAsync(ct);

        using var upload = new UploadStream(source, maxBytes);
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var keepingAlive = KeepAliveAsync(stored.Key, writing.Token);
        try
        {
            await store.WriteAsync(stored, upload, ct);
        }
        catch
        {
            await writing.CancelAsync();
            await keepingAlive;
            await DiscardAsync(stored);
            throw;
        }
        await writing.CancelAsync();
        await keepingAlive;

        stored.Sha256 = upload.Sha256Hex();
        stored.SizeBytes = upload.BytesRead;
        return new Staged(stored, upload.Head.ToArray());
    }

    /// <summary>
    /// Marks a staged, checked object (tracked by the context) as an unfiled FHIR Binary (<see cref="StoredObjectState.Unfiled"/>),
    /// kept until a DocumentReference files it: the caller saves it.
    /// </summary>
    public void KeepUnfiled(StoredObject staged)
    {
        staged.State = StoredObjectState.Unfiled;
        staged.LastActivityAt = time.GetUtcNow();
    }

    /// <summary>Removes a staged object: its row, then its bytes (a crash in between leaves them to the sweeper's orphan pass).</summary>
    public async Task DiscardAsync(StoredObject staged)
    {
        db.Entry(staged).State = EntityState.Detached;
        try
        {
            await db.StoredObjects.Where(o => o.Key == staged.Key && o.State == StoredObjectState.Staging).ExecuteDeleteAsync(CancellationToken.None);
            await stores.For(staged).DeleteAsync(staged.OrganizationId, staged.Key, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The sweeper removes it once it is abandoned.
            logger.LogWarning(ex, "Could not discard staged object {Key}; the sweeper will", staged.Key);
        }
    }

    private async Task KeepAliveAsync(Guid key, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(settings.Value.AbandonedAfter / 4, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = time.GetUtcNow();
                await db.StoredObjects.Where(o => o.Key == key).ExecuteUpdateAsync(s => s.SetProperty(o => o.LastActivityAt, now), stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The write ended.
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not renew the mark of upload {Key}", key);
        }
    }
}
