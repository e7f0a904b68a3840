using MedicalHub.Data.Tenancy;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// A medical document owned by one organization, about one of its patients or about the practice itself. Its bytes are
/// its versions' (<see cref="DocumentVersion"/>); the fields of the current version are copied here for lists.
/// </summary>
public sealed class Document : IOrganizationOwned
{
    /// <summary>The name of the query filter that hides deleted documents (lifted only by the administrators' views).</summary>
    public const string NotDeletedFilter = "not-deleted";

    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Stamped from the organization scope when the document is saved.</summary>
    public Guid OrganizationId { get; init; }

    /// <summary>The patient (Content's registry) the document is about; null for a practice document.</summary>
    public Guid? PatientId { get; init; }

    public required string Title { get; set; }

    /// <summary>One of <see cref="DocumentCategories.All"/>.</summary>
    public required string Category { get; set; }

    /// <summary>IANA media type of the current version, detected from its bytes.</summary>
    public required string MediaType { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>The current version's file name as uploaded (validated: no path).</summary>
    public string? FileName { get; set; }

    /// <summary>Lower-case hex SHA-256 of the current version's bytes.</summary>
    public string? Sha256 { get; set; }

    public int CurrentVersion { get; set; }

    /// <summary>Incremented by every change: the document's ETag, checked by <c>If-Match</c> (optimistic concurrency).</summary>
    public int Revision { get; set; }

    public required Guid CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Set by a (soft) delete; the document is purged <c>DeletedRetention</c> later unless an administrator restores it.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    public Guid? DeletedBy { get; set; }

    public List<DocumentVersion> Versions { get; init; } = [];

    /// <summary>The ETag of the document's metadata and current version.</summary>
    public string ETag => $"\"r{Revision}\"";
}

/// <summary>One upload of a document (or the restore of an earlier one): immutable once written.</summary>
public sealed class DocumentVersion : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid DocumentId { get; init; }

    /// <summary>1, 2, 3… in the order the versions were added.</summary>
    public int Number { get; init; }

    /// <summary>The bytes (shared by every version, of any document of the organization, with the same SHA-256).</summary>
    public Guid StoredObjectKey { get; init; }

    public string? FileName { get; init; }

    public required string MediaType { get; init; }

    public long SizeBytes { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>The version this one restored, if it is a restore.</summary>
    public int? RestoredFrom { get; init; }

    public Guid CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The ETag of the version's bytes: strong, from their hash.</summary>
    public string ContentETag => $"\"{Sha256}\"";
}

/// <summary>What a document is (<c>category</c>): a fixed vocabulary, so lists and FHIR <c>DocumentReference.category</c> agree.</summary>
public static class DocumentCategories
{
    public const string LabResult = "lab-result";
    public const string Administrative = "administrative";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "referral", "lab-result", "imaging", "letter", "consent", "discharge-summary", "prescription", "report", "clinical-note", "administrative", "other",
    };
}
