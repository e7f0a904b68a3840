using System.Text.Json.Serialization;

namespace MedicalHub.Content.Api.Documents;

public sealed record DocumentView(
    Guid Id, Guid OrganizationId, Guid? PatientId, string Title, string Category, string MediaType, long SizeBytes, string? FileName, string? Sha256,
    int CurrentVersion, [property: JsonPropertyName("etag")] string ETag, Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt)
{
    public static DocumentView From(Document d) => new(d.Id, d.OrganizationId, d.PatientId, d.Title, d.Category, d.MediaType, d.SizeBytes, d.FileName, d.Sha256,
        d.CurrentVersion, d.ETag, d.CreatedBy, d.CreatedAt, d.UpdatedAt, d.DeletedAt);
}

public sealed record DocumentPage(DocumentView[] Items, int Page, int PageSize, int Total);

public sealed record DocumentVersionView(int Number, string? FileName, string MediaType, long SizeBytes, string Sha256, int? RestoredFrom, Guid CreatedBy, DateTimeOffset CreatedAt)
{
    public static DocumentVersionView From(DocumentVersion v) => new(v.Number, v.FileName, v.MediaType, v.SizeBytes, v.Sha256, v.RestoredFrom, v.CreatedBy, v.CreatedAt);
}

/// <summary>A change of a document's metadata; absent fields stay as they are.</summary>
public sealed record UpdateDocumentRequest(string? Title, string? Category);

/// <summary>A deleted document an administrator can still restore, until <paramref name="PurgeAfter"/>.</summary>
public sealed record DeletedDocumentView(DocumentView Document, Guid? DeletedBy, DateTimeOffset PurgeAfter);
