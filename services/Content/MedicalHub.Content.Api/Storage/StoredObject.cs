using MedicalHub.Data.Tenancy;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// One immutable sequence of bytes in the object store, owned by an organization. It is <see cref="StoredObjectState.Staging"/>
/// while being written (invisible to documents; the sweeper removes it once abandoned),
/// <see cref="StoredObjectState.Unfiled"/> when it is a FHIR Binary created on its own, waiting for a DocumentReference to
/// file it (the sweeper removes it after <c>UnfiledLifetime</c>), and <see cref="StoredObjectState.Committed"/> once a
/// document version refers to it. Committed objects are unique per organization and SHA-256: identical bytes are kept
/// once however many versions refer to them.
/// </summary>
public sealed class StoredObject : IOrganizationOwned
{
    public Guid Key { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    /// <summary>The backend that holds the bytes (<see cref="IObjectStore.Backend"/>), so a change of backend leaves old objects readable.</summary>
    public required string Backend { get; init; }

    public StoredObjectState State { get; set; } = StoredObjectState.Staging;

    /// <summary>Lower-case hex SHA-256 of the bytes; known once written.</summary>
    public string? Sha256 { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>The media type detected from the bytes.</summary>
    public string? MediaType { get; set; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Renewed while an upload writes: the sweeper's measure of an abandoned upload.</summary>
    public DateTimeOffset LastActivityAt { get; set; } = DateTimeOffset.UtcNow;
}

public enum StoredObjectState
{
    Staging,
    Committed,

    /// <summary>Written and checked, kept as a FHIR <c>Binary</c> (its key is the Binary's id) until a DocumentReference files it.</summary>
    Unfiled,
}

/// <summary>One chunk of an object kept by the PostgreSQL backend (deleted with its object).</summary>
public sealed class StoredObjectChunk
{
    public Guid ObjectKey { get; init; }

    public int Sequence { get; init; }

    public required byte[] Data { get; init; }
}
