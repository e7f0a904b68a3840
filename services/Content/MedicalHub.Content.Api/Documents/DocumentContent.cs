using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// Serves a version's bytes as a file: streamed from the store, with single <c>Range</c> requests (206/416),
/// <c>If-None-Match</c>/<c>If-Match</c>/<c>If-Range</c> against the strong ETag of the bytes (their SHA-256), the detected
/// <c>Content-Type</c>, and a <c>Content-Disposition</c> built from the validated file name (RFC 6266, with an ASCII
/// fallback). Only types a browser shows safely may be asked for inline; everything is served with <c>nosniff</c> and a
/// sandboxing CSP.
/// </summary>
public static class DocumentContent
{
    public static FileStreamHttpResult Serve(HttpContext http, ObjectStores stores, StoredObject stored, DocumentVersion version, Guid documentId, string? disposition) =>
        Serve(http, stores, stored, version.MediaType, version.FileName ?? $"document-{documentId:N}", version.CreatedAt, version.ContentETag, disposition);

    /// <summary>Any stored object's bytes as <paramref name="fileName"/> (a FHIR Binary not filed yet has no version).</summary>
    public static FileStreamHttpResult Serve(HttpContext http, ObjectStores stores, StoredObject stored, string mediaType, string fileName, DateTimeOffset lastModified,
        string contentETag, string? disposition)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
        headers.CacheControl = "private, no-cache";
        var inline = string.Equals(disposition, "inline", StringComparison.OrdinalIgnoreCase) && MediaTypes.SafeInline.Contains(mediaType);
        if (inline)
        {
            var header = new ContentDispositionHeaderValue("inline");
            header.SetHttpFileName(fileName);
            headers.ContentDisposition = header.ToString();
        }
        return TypedResults.File(new StoredObjectStream(stores.For(stored), stored), mediaType,
            fileDownloadName: inline ? null : fileName,
            lastModified: lastModified,
            entityTag: EntityTagHeaderValue.Parse(contentETag),
            enableRangeProcessing: true);
    }
}
