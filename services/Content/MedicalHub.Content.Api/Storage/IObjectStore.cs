namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// A backend that keeps objects' bytes. Objects are written once, whole, and never changed; their rows
/// (<see cref="StoredObject"/>) in the content database say what exists, so anything a backend holds without a row is
/// an orphan the sweeper may delete.
/// </summary>
public interface IObjectStore
{
    /// <summary>The name recorded in <see cref="StoredObject.Backend"/>.</summary>
    string Backend { get; }

    /// <summary>
    /// Copies <paramref name="source"/> to its end as the bytes of <paramref name="target"/>. When the source or the write
    /// fails, nothing is readable under the key (partial bytes, if any, are removed by <see cref="DeleteAsync"/>).
    /// </summary>
    Task WriteAsync(StoredObject target, Stream source, CancellationToken ct);

    /// <summary>The object's bytes from <paramref name="offset"/> to its end, read as the stream is read (never buffered whole).</summary>
    Task<Stream> OpenReadAsync(StoredObject source, long offset, CancellationToken ct);

    /// <summary>Removes the object's bytes, written whole, in part or not at all. Idempotent.</summary>
    Task DeleteAsync(Guid organizationId, Guid key, CancellationToken ct);

    /// <summary>Every object the backend holds outside the database (an object store's blobs), for the orphan sweep; none for a backend inside it.</summary>
    IAsyncEnumerable<HeldObject> ListHeldAsync(CancellationToken ct);
}

/// <summary>An object a backend holds, as it knows it.</summary>
public sealed record HeldObject(Guid OrganizationId, Guid Key, DateTimeOffset LastModified);
