using System.Globalization;
using System.Security.Cryptography;
using Hl7.Fhir.Model;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Fhir;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// FHIR <c>DocumentReference</c> over the organization's documents: read (also those shared with the caller, as the
/// native API), vread of the current version, search by patient, category and date, and create — the integrator's way to
/// file a document — with the file inline (base64 <c>attachment.data</c>) or as the <c>Binary</c> created first
/// (<c>attachment.url</c>). Scoped, checked and audited as the native API: the same registry, writer and records.
/// </summary>
public sealed class DocumentReferenceFhirHandler(
    ContentDbContext db,
    ReadableDocuments readable,
    DocumentPatients patients,
    UploadReceiver receiver,
    ObjectStaging staging,
    ObjectStores stores,
    DocumentVersionWriter writer,
    PhiAccessAudit audit,
    CurrentCaller caller) : IFhirResourceHandler
{
    /// <summary>The largest DocumentReference accepted: an inline attachment of about 12 MiB. Larger files go as a Binary first (streamed, up to the upload limit).</summary>
    public const long MaxBodyBytes = 16 * 1024 * 1024;

    public static readonly FhirResourceCapability Capability = new(
        "DocumentReference",
        ["read", "vread", "search-type", "create"],
        [
            ("_id", "token", "The document's id."),
            ("patient", "reference", "Patient/{id} or {id}: the patient's documents (a merged record's are its survivor's)."),
            ("category", "token", $"code or {DocumentReferenceFhirMapping.CategorySystem}|code: {string.Join(", ", DocumentCategories.All.Order(StringComparer.Ordinal))}."),
            ("date", "date", "When the document was filed: eq, ne, lt, le, gt, ge, sa, eb with YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with its offset."),
        ],
        PermissionNames.DocumentsRead,
        PermissionNames.DocumentsWrite,
        MaxBodyBytes,
        "The organization's documents, newest first; read by id also those shared with the caller. Create files a document: its content inline "
        + "(attachment.data, up to about 12 MiB) or a Binary created first (attachment.url = Binary/{id}). Only the current version's metadata is kept (vread of it).");

    public async Task<FhirResult> ReadAsync(FhirRequest request, string id, CancellationToken ct) =>
        await ReadCurrentAsync(request, id, versionId: null, ct);

    public async Task<FhirResult> VReadAsync(FhirRequest request, string id, string versionId, CancellationToken ct) =>
        await ReadCurrentAsync(request, id, versionId, ct);

    private async Task<FhirResult> ReadCurrentAsync(FhirRequest request, string id, string? versionId, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var document = Guid.TryParse(id, out var guid) ? await readable.FindAsync(guid, ct) : null;
        if (document is null || (versionId is not null && versionId != document.Revision.ToString(CultureInfo.InvariantCulture)))
        {
            return FhirResult.NotFound(request, versionId is null ? id : $"{id}/_history/{versionId}");
        }
        var current = await readable.VersionAsync(document, document.CurrentVersion, ct);
        if (current is null)
        {
            return FhirResult.NotFound(request, id);
        }
        await readable.RecordAsync(document, versionId is null ? PhiActions.Read : PhiActions.ReadVersion, versionId is null ? null : $"version {versionId}", ct);
        return FhirResult.Resource(StatusCodes.Status200OK, DocumentReferenceFhirMapping.ToFhir(document, current, request.BaseUrl));
    }

    public async Task<FhirResult> SearchAsync(FhirRequest request, FhirSearch search, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var documents = db.Documents.AsNoTracking();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in search.Parameters)
        {
            if (value.Length == 0)
            {
                continue;
            }
            if (value.Length > 200 || value.Any(char.IsControl))
            {
                throw new FhirInputException($"{name}: at most 200 characters, no control characters.");
            }
            names.Add(name);
            switch (name)
            {
                case "_id":
                    var ids = value.Split(',').Select(v => Guid.TryParse(v, out var g) ? g : Guid.Empty).ToArray();
                    documents = documents.Where(d => ids.Contains(d.Id));
                    break;
                case "patient":
                    var patient = (Guid.TryParse(value, out var bare) ? bare : DocumentReferenceFhirMapping.PatientOf(value))
                        ?? throw new FhirInputException("patient: Patient/{id} or {id}.");
                    var filedUnder = await patients.ResolveAsync(patient, ct) ?? patient;
                    documents = documents.Where(d => d.PatientId == filedUnder);
                    break;
                case "category":
                    var codes = value.Split(',').Select(CategoryCode).ToArray();
                    documents = documents.Where(d => codes.Contains(d.Category));
                    break;
                case "date":
                    documents = documents.Where(FhirDateSearch.Parse(name, value).Condition<Document>(d => d.CreatedAt));
                    break;
            }
        }
        var page = await documents.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip((search.Page - 1) * search.Count).Take(search.Count).ToListAsync(ct);
        var total = search.Page == 1 && page.Count < search.Count ? page.Count : await documents.CountAsync(ct);
        var pageIds = page.Select(d => d.Id).ToList();
        var current = await db.DocumentVersions.AsNoTracking()
            .Where(v => pageIds.Contains(v.DocumentId) && db.Documents.Any(d => d.Id == v.DocumentId && d.CurrentVersion == v.Number))
            .ToDictionaryAsync(v => v.DocumentId, ct);
        await readable.RecordSearchAsync(page, names.Count == 0 ? null : string.Join(',', names), ct);
        return new FhirResult(StatusCodes.Status200OK,
            search.Searchset(request, page.Where(d => current.ContainsKey(d.Id)).Select(d => DocumentReferenceFhirMapping.ToFhir(d, current[d.Id], request.BaseUrl)), total));
    }

    /// <summary>A category token's code (<c>code</c>, <c>system|code</c>); a code of another system matches nothing.</summary>
    private static string CategoryCode(string token)
    {
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return token;
        }
        var system = token[..bar];
        return system is "" or DocumentReferenceFhirMapping.CategorySystem ? token[(bar + 1)..] : "";
    }

    public async Task<FhirResult> CreateAsync(FhirRequest request, CancellationToken ct)
    {
        if (caller.UserId is not { } userId || caller.OrganizationId is null)
        {
            return FhirResult.Outcome(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, "Documents are filed by a user of an organization.");
        }
        audit.StatedPurposeOfUse();
        var filing = DocumentReferenceFhirMapping.ToFiling(DocumentReferenceJson.Parse(await request.ReadJsonBodyAsync(ct)));
        Guid? patientId = null;
        if (filing.PatientId is { } patient)
        {
            patientId = await patients.ResolveAsync(patient, ct)
                ?? throw new FhirInputException($"DocumentReference.subject: {DocumentPatients.Unknown}", StatusCodes.Status422UnprocessableEntity);
        }

        var attachment = filing.Attachment;
        StoredObject staged;
        if (attachment.Data is { } data)
        {
            CheckSizeAndHash(attachment, data.LongLength, () => Sha1(data));
            var received = await receiver.ReceiveBytesAsync(new MemoryStream(data, writable: false), attachment.ContentType, ct);
            if (received is not UploadReceiver.Received upload)
            {
                return BinaryFhirHandler.Refusal(received, "DocumentReference.content.attachment");
            }
            staged = upload.Staged;
        }
        else
        {
            var binaryId = DocumentReferenceFhirMapping.BinaryOf(attachment.Url)
                ?? throw new FhirInputException("DocumentReference.content.attachment.url: Binary/{id} of a Binary created on this server.", StatusCodes.Status422UnprocessableEntity);
            staged = await db.StoredObjects.SingleOrDefaultAsync(o => o.Key == binaryId && o.State == StoredObjectState.Unfiled, ct)
                ?? throw (await db.DocumentVersions.AnyAsync(v => v.Id == binaryId, ct)
                    ? new FhirInputException($"Binary/{binaryId} is already the content of a document.", StatusCodes.Status409Conflict)
                    : new FhirInputException($"No Binary/{binaryId} of your organization waits to be filed (a Binary not filed within a day is removed).",
                        StatusCodes.Status422UnprocessableEntity));
            if (MediaTypes.Normalize(attachment.ContentType) is { } claimed && MediaTypes.Reconcile(staged.MediaType!, claimed) != staged.MediaType)
            {
                throw new FhirInputException($"DocumentReference.content.attachment.contentType: the Binary's bytes are {staged.MediaType}, not {claimed}.",
                    StatusCodes.Status422UnprocessableEntity);
            }
            if (attachment.Hash is not null)
            {
                await using var bytes = new StoredObjectStream(stores.For(staged), staged);
                var hash = await Sha1Async(bytes, ct);
                CheckSizeAndHash(attachment, staged.SizeBytes, () => hash);
            }
            else
            {
                CheckSizeAndHash(attachment, staged.SizeBytes, () => []);
            }
        }

        var written = await writer.CreateAsync(new DocumentVersionWriter.NewDocument(filing.Title, filing.Category, patientId), staged, filing.FileName, userId, ct);
        switch (written)
        {
            case DocumentVersionWriter.Written { Document: var document, Version: var version }:
                return FhirResult.Resource(StatusCodes.Status201Created, DocumentReferenceFhirMapping.ToFhir(document, version, request.BaseUrl), request.BaseUrl);
            default:
                if (attachment.Data is not null)
                {
                    await staging.DiscardAsync(staged);
                }
                return FhirResult.Outcome(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict, "The Binary was filed by another DocumentReference meanwhile.");
        }
    }

#pragma warning disable CA5350 // FHIR R4 defines Attachment.hash as SHA-1: compared with what the client sent, never used to protect anything
    private static byte[] Sha1(byte[] data) => SHA1.HashData(data);

    private static async Task<byte[]> Sha1Async(Stream data, CancellationToken ct) => await SHA1.HashDataAsync(data, ct);
#pragma warning restore CA5350

    /// <summary>The attachment's <c>size</c> and <c>hash</c> (SHA-1, as FHIR R4 says), when given, must be the bytes'.</summary>
    private static void CheckSizeAndHash(Attachment attachment, long size, Func<byte[]> sha1)
    {
        if (attachment.Size is { } declared && declared != size)
        {
            throw new FhirInputException($"DocumentReference.content.attachment.size: {declared}, but the bytes are {size}.");
        }
        if (attachment.Hash is { } hash && !hash.AsSpan().SequenceEqual(sha1()))
        {
            throw new FhirInputException("DocumentReference.content.attachment.hash: not the SHA-1 of the bytes.");
        }
    }
}
