using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Fhir;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// FHIR <c>Binary</c>: the bytes of a document version (the Binary's id is the version's), or bytes created on their own
/// for a DocumentReference to file (<see cref="StoredObjectState.Unfiled"/>, kept a day). Create takes the bytes as the
/// body with their own <c>Content-Type</c> (streamed, up to the upload limit) or a Binary resource in FHIR JSON (base64
/// <c>data</c>, up to <see cref="DocumentReferenceFhirHandler.MaxBodyBytes"/>); either way the bytes get the documents'
/// checks (detected type, claimed type, archives). Read answers the bytes with their type (Range, ETag) unless the client
/// asks for <c>application/fhir+json</c>, which gets the Binary resource (its data streamed as base64, never held whole).
/// Every read is recorded as a download, in the owning organization's chain.
/// </summary>
public sealed class BinaryFhirHandler(
    ContentDbContext db,
    ReadableDocuments readable,
    UploadReceiver receiver,
    ObjectStaging staging,
    ObjectStores stores,
    PhiAccessAudit audit,
    CurrentCaller caller,
    OrganizationScope organization) : IFhirResourceHandler
{
    public static readonly FhirResourceCapability Capability = new(
        "Binary",
        ["read", "create"],
        [],
        PermissionNames.DocumentsRead,
        PermissionNames.DocumentsWrite,
        MaxBodyBytes: 1L << 30,
        Documentation: "A document version's bytes (its id is the version's; DocumentReference.content.attachment.url names it), or bytes created first for a "
            + "DocumentReference to file within a day. Read answers the bytes with their media type, or the Binary resource when Accept is application/fhir+json. "
            + "Create: the bytes as the body with their Content-Type (up to the upload limit), or a Binary resource in application/fhir+json (up to 16 MiB).",
        RawContent: true);

    public async Task<FhirResult> ReadAsync(FhirRequest request, string id, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        if (!Guid.TryParse(id, out var guid))
        {
            return FhirResult.NotFound(request, id);
        }
        var asResource = AsksForResource(request.Http.Request);

        // A Binary waiting to be filed: the organization's own, about no patient yet.
        if (await db.StoredObjects.AsNoTracking().SingleOrDefaultAsync(o => o.Key == guid && o.State == StoredObjectState.Unfiled, ct) is { } unfiled)
        {
            await audit.RecordAsync(new PhiAccess(PhiActions.Download, "Binary", id, [], Detail: "not filed yet"), ct);
            return Answer(request, guid, unfiled, unfiled.MediaType!, $"binary-{guid:N}", unfiled.CreatedAt, securityContext: null, asResource);
        }

        // A version's bytes, readable when its document is (the organization's own, or shared with the caller).
        var owner = await db.DocumentVersions.AcrossOrganizations().AsNoTracking().Where(v => v.Id == guid).Select(v => (Guid?)v.DocumentId).SingleOrDefaultAsync(ct);
        var document = owner is { } documentId ? await readable.FindAsync(documentId, ct) : null;
        var version = document is null ? null : (await readable.VersionsAsync(document, ct)).SingleOrDefault(v => v.Id == guid);
        if (version is null)
        {
            return FhirResult.NotFound(request, id);
        }
        var stored = await readable.StoredObjectAsync(version, ct);
        await readable.RecordAsync(document!, PhiActions.Download, $"DocumentReference/{document!.Id} version {version.Number}", ct, "Binary", id);
        return Answer(request, guid, stored, version.MediaType, version.FileName ?? $"document-{document.Id:N}", version.CreatedAt, $"DocumentReference/{document.Id}", asResource);
    }

    public async Task<FhirResult> CreateAsync(FhirRequest request, CancellationToken ct)
    {
        if (caller.UserId is null || organization.OrganizationId is null)
        {
            return FhirResult.Outcome(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, "Binaries are created by a user of an organization.");
        }
        audit.StatedPurposeOfUse();
        UploadReceiver.Outcome received;
        if (request.MediaType == FhirRequest.FhirJson)
        {
            // FHIR JSON is a Binary resource when it is one; any other FHIR JSON is content like any other (a Bundle kept as a file).
            var json = await request.ReadBodyAsync(DocumentReferenceFhirHandler.MaxBodyBytes, ct);
            if (ResourceTypeOf(json) == "Binary")
            {
                var binary = FhirRequest.ParseResource<Binary>(json);
                if (binary.Data is not { } data || string.IsNullOrWhiteSpace(binary.ContentType))
                {
                    throw new FhirInputException("Binary.contentType and Binary.data (base64) are required.");
                }
                if (binary.SecurityContext is not null)
                {
                    throw new FhirInputException("MedicalHub does not keep Binary.securityContext (a Binary is filed by a DocumentReference); send it without.",
                        StatusCodes.Status422UnprocessableEntity);
                }
                received = await receiver.ReceiveBytesAsync(new MemoryStream(data, writable: false), binary.ContentType, ct);
            }
            else
            {
                received = await receiver.ReceiveBytesAsync(new MemoryStream(Encoding.UTF8.GetBytes(json), writable: false), FhirRequest.FhirJson, ct);
            }
        }
        else
        {
            received = await receiver.ReceiveAsync(request.Http.Request, ct);
        }
        if (received is not UploadReceiver.Received { Staged: var staged })
        {
            return Refusal(received, "Binary");
        }

        staging.KeepUnfiled(staged);
        await audit.SaveWithRecordAsync(db, new PhiAccess(PhiActions.Create, "Binary", staged.Key.ToString(), [], Detail: "not filed yet"), ct);
        var created = Describe(staged.Key, staged.MediaType!, staged.CreatedAt, securityContext: null);
        return FhirResult.Resource(StatusCodes.Status201Created, created, request.BaseUrl);
    }

    /// <summary>An upload refused, as an OperationOutcome with its status (<paramref name="path"/>: where, in FHIRPath).</summary>
    public static FhirResult Refusal(UploadReceiver.Outcome refused, string path) => refused switch
    {
        UploadReceiver.Invalid invalid => FhirResult.Invalid(invalid.Errors.ToDictionary(e => path, e => e.Value.Select(m => $"{e.Key}: {m}").ToArray())),
        UploadReceiver.Refused { Status: var status, Title: var title, Detail: var detail } => FhirResult.Outcome(status, status switch
        {
            StatusCodes.Status413PayloadTooLarge => OperationOutcome.IssueType.TooLong,
            StatusCodes.Status415UnsupportedMediaType => OperationOutcome.IssueType.NotSupported,
            StatusCodes.Status422UnprocessableEntity => OperationOutcome.IssueType.BusinessRule,
            _ => OperationOutcome.IssueType.Invalid,
        }, $"{title} {detail}", [path]),
        _ => throw new ArgumentException("The upload was received.", nameof(refused)),
    };

    private static string? ResourceTypeOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("resourceType", out var type)
                && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        }
        catch (JsonException)
        {
            throw new FhirInputException("The body is not JSON, though sent as application/fhir+json.");
        }
    }

    /// <summary>FHIR JSON (the Binary resource) when the client asks for it by <c>Accept</c> or <c>_format</c>; otherwise the bytes.</summary>
    private static bool AsksForResource(HttpRequest request) =>
        request.Query["_format"].ToString() is "json" or "application/json" or FhirRequest.FhirJson
        || request.Headers.Accept.ToString().Contains(FhirRequest.FhirJson, StringComparison.OrdinalIgnoreCase);

    private static Binary Describe(Guid id, string mediaType, DateTimeOffset created, string? securityContext) => new()
    {
        Id = id.ToString(),
        Meta = new Meta { VersionId = "1", LastUpdated = created },
        ContentType = mediaType,
        SecurityContext = securityContext is null ? null : new ResourceReference(securityContext),
    };

    private FhirResult Answer(FhirRequest request, Guid id, StoredObject stored, string mediaType, string fileName, DateTimeOffset created, string? securityContext,
        bool asResource)
    {
        var described = Describe(id, mediaType, created, securityContext);
        if (asResource)
        {
            return FhirResult.Streamed(described, new BinaryResourceStream(described, stores, stored));
        }
        if (securityContext is not null)
        {
            request.Http.Response.Headers["X-Security-Context"] = securityContext;
        }
        return FhirResult.Streamed(described, DocumentContent.Serve(request.Http, stores, stored, mediaType, fileName, created, $"\"{stored.Sha256}\"", disposition: null));
    }

    /// <summary>The Binary resource as FHIR JSON, its data read from the store and written as base64 as it goes: memory stays flat whatever the size.</summary>
    private sealed class BinaryResourceStream(Binary described, ObjectStores stores, StoredObject stored) : IResult
    {
        public async System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var ct = httpContext.RequestAborted;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = FhirRequest.FhirJson + "; charset=utf-8";
            response.Headers.ETag = "W/\"1\"";
            response.Headers.CacheControl = "private, no-cache";
            var json = FhirJsonFormat.Serialize(described);
            // {"resourceType":"Binary",…} → {"resourceType":"Binary",…,"data":"<base64>"}
            await response.WriteAsync(json[..json.LastIndexOf('}')] + ",\"data\":\"", Encoding.UTF8, ct);
            await using (var base64 = new CryptoStream(response.Body, new ToBase64Transform(), CryptoStreamMode.Write, leaveOpen: true))
            await using (var bytes = new StoredObjectStream(stores.For(stored), stored))
            {
                await bytes.CopyToAsync(base64, 1 << 20, ct);
                await base64.FlushFinalBlockAsync(ct);
            }
            await response.WriteAsync("\"}", Encoding.UTF8, ct);
        }
    }
}
