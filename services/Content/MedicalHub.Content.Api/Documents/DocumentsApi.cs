using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// The documents of the caller's organization (the token's <c>org_id</c>), and, for reading, those shared with the caller
/// (<see cref="ReadableDocuments"/>). Queries carry no organization condition of their own: the context's organization
/// filter scopes them, so another organization's document is simply not found (404, never 403).
/// </summary>
public static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents").WithTags("Documents");

        var read = documents.MapGroup("").RequirePermission(PermissionNames.DocumentsRead);
        read.MapGet("/", ListAsync).WithName("ListDocuments")
            .WithSummary("The organization's documents, newest first, by patient and category");
        read.MapGet("/{id:guid}", GetAsync).WithName("GetDocument")
            .WithSummary("One document's metadata (its ETag is the one If-Match expects)");
        read.MapGet("/{id:guid}/content", DownloadAsync).WithName("DownloadDocument")
            .WithSummary("The current version's bytes (Range, If-None-Match, If-Range; ?disposition=inline for PDFs, images and text)")
            .Produces(StatusCodes.Status206PartialContent).Produces(StatusCodes.Status304NotModified)
            .Produces(StatusCodes.Status412PreconditionFailed).Produces(StatusCodes.Status416RangeNotSatisfiable);
        read.MapGet("/{id:guid}/versions", ListVersionsAsync).WithName("ListDocumentVersions")
            .WithSummary("Every version of a document, newest first");
        read.MapGet("/{id:guid}/versions/{number:int}/content", DownloadVersionAsync).WithName("DownloadDocumentVersion")
            .WithSummary("One version's bytes, as the current version's")
            .Produces(StatusCodes.Status206PartialContent).Produces(StatusCodes.Status304NotModified)
            .Produces(StatusCodes.Status412PreconditionFailed).Produces(StatusCodes.Status416RangeNotSatisfiable);

        var write = documents.MapGroup("").RequirePermission(PermissionNames.DocumentsWrite);
        write.MapPost("/", CreateAsync).WithName("UploadDocument")
            .WithSummary("Upload a new document: multipart/form-data (title, category, patientId, then the file part 'file') or the raw bytes with the fields in the query")
            .AcceptsUpload();
        write.MapPost("/{id:guid}/versions", AddVersionAsync).WithName("UploadDocumentVersion")
            .WithSummary("Upload a new version of a document (If-Match: its ETag, to be sure it did not change meanwhile)")
            .AcceptsUpload();
        write.MapPost("/{id:guid}/versions/{number:int}/restore", RestoreVersionAsync).WithName("RestoreDocumentVersion")
            .WithSummary("Make an earlier version the newest again (If-Match honoured)");
        write.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateDocument")
            .WithSummary("Change a document's title or category (If-Match honoured)");
        write.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteDocument")
            .WithSummary("Delete a document; an administrator can restore it during the retention period, after which it is purged (If-Match honoured)");

        var administer = documents.MapGroup("").RequirePermission(PermissionNames.OrgManage);
        administer.MapGet("/deleted", ListDeletedAsync).WithName("ListDeletedDocuments")
            .WithSummary("Deleted documents that can still be restored, most recently deleted first");
        administer.MapPost("/{id:guid}/undelete", UndeleteAsync).WithName("UndeleteDocument")
            .WithSummary("Restore a deleted document within the retention period");
        return app;
    }

    private static async Task<Results<Ok<DocumentPage>, ValidationProblem>> ListAsync(ContentDbContext db, DocumentPatients patients, ReadableDocuments readable,
        PhiAccessAudit audit, CancellationToken ct, Guid? patientId = null, string? category = null, int page = 1, int pageSize = 50)
    {
        audit.StatedPurposeOfUse();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.AddErrors(errors, page, pageSize);
        if (category is not null && !DocumentCategories.All.Contains(category))
        {
            errors["category"] = ["Not a document category."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var documents = db.Documents.AsNoTracking();
        if (patientId is { } patient)
        {
            // A merged record's documents are its survivor's.
            var filedUnder = await patients.ResolveAsync(patient, ct) ?? patient;
            documents = documents.Where(d => d.PatientId == filedUnder);
        }
        if (category is not null)
        {
            documents = documents.Where(d => d.Category == category);
        }
        var items = await documents.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(ct);
        var total = page == 1 && items.Count < pageSize ? items.Count : await documents.CountAsync(ct);
        await readable.RecordSearchAsync(items, QueryOf(("patientId", patientId), ("category", category)), ct);
        return TypedResults.Ok(new DocumentPage([.. items.Select(DocumentView.From)], page, pageSize, total));
    }

    /// <summary>The names of the parameters given (their values may be PHI and are not recorded).</summary>
    private static string? QueryOf(params (string Name, object? Value)[] parameters) =>
        parameters.Any(p => p.Value is not null) ? string.Join(',', parameters.Where(p => p.Value is not null).Select(p => p.Name)) : null;

    private static async Task<Results<Ok<DocumentView>, NotFound>> GetAsync(Guid id, ReadableDocuments readable, PhiAccessAudit audit, HttpContext http, CancellationToken ct,
        bool fromSearch = false)
    {
        audit.StatedPurposeOfUse();
        var document = await readable.FindAsync(id, ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        await readable.RecordAsync(document, fromSearch ? PhiActions.SearchHitOpened : PhiActions.Read, detail: null, ct);
        http.Response.Headers.ETag = document.ETag;
        return TypedResults.Ok(DocumentView.From(document));
    }

    private static Task<Results<FileStreamHttpResult, NotFound>> DownloadAsync(Guid id, ReadableDocuments readable, ObjectStores stores, PhiAccessAudit audit,
        HttpContext http, CancellationToken ct, string? disposition = null) =>
        ServeVersionAsync(id, number: null, readable, stores, audit, http, disposition, ct);

    private static async Task<Results<Ok<DocumentVersionView[]>, NotFound>> ListVersionsAsync(Guid id, ReadableDocuments readable, PhiAccessAudit audit, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var document = await readable.FindAsync(id, ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        var versions = await readable.VersionsAsync(document, ct);
        await readable.RecordAsync(document, PhiActions.Read, "versions", ct);
        return TypedResults.Ok(versions.Select(DocumentVersionView.From).ToArray());
    }

    private static Task<Results<FileStreamHttpResult, NotFound>> DownloadVersionAsync(Guid id, int number, ReadableDocuments readable, ObjectStores stores,
        PhiAccessAudit audit, HttpContext http, CancellationToken ct, string? disposition = null) =>
        ServeVersionAsync(id, number, readable, stores, audit, http, disposition, ct);

    /// <summary>A version's bytes (the current one's when <paramref name="number"/> is null), recorded as a download before the first byte.</summary>
    private static async Task<Results<FileStreamHttpResult, NotFound>> ServeVersionAsync(Guid id, int? number, ReadableDocuments readable, ObjectStores stores,
        PhiAccessAudit audit, HttpContext http, string? disposition, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var document = await readable.FindAsync(id, ct);
        var version = document is null ? null : await readable.VersionAsync(document, number ?? document.CurrentVersion, ct);
        if (version is null)
        {
            return TypedResults.NotFound();
        }
        var stored = await readable.StoredObjectAsync(version, ct);
        await readable.RecordAsync(document!, PhiActions.Download, $"version {version.Number}", ct);
        return DocumentContent.Serve(http, stores, stored, version, id, disposition);
    }

    private static async Task<Results<Created<DocumentView>, ValidationProblem, ProblemHttpResult>> CreateAsync(HttpRequest request,
        UploadReceiver receiver, DocumentVersionWriter writer, ObjectStaging staging, PhiAccessAudit audit, CurrentCaller caller, OrganizationScope organization,
        CancellationToken ct)
    {
        if (NoOrganization(caller, organization) is { } refused)
        {
            return refused;
        }
        audit.StatedPurposeOfUse();
        var received = await receiver.ReceiveAsync(request, ct);
        if (received is not UploadReceiver.Received upload)
        {
            return UploadReceiver.Problem(received);
        }
        var title = upload.Field("title") ?? upload.Field("fileName");
        var category = upload.Field("category");
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (title is null)
        {
            errors["title"] = ["Give the document a title (or a file name)."];
        }
        if (category is null)
        {
            errors["category"] = ["Give the document's category."];
        }
        if (errors.Count > 0)
        {
            await staging.DiscardAsync(upload.Staged);
            return TypedResults.ValidationProblem(errors);
        }
        var patientId = upload.Field("patientId") is { } patient ? Guid.Parse(patient) : (Guid?)null;
        var written = (DocumentVersionWriter.Written)await writer.CreateAsync(new(title!, category!, patientId), upload.Staged, upload.Field("fileName"), caller.UserId!.Value, ct);
        request.HttpContext.Response.Headers.ETag = written.Document.ETag;
        return TypedResults.Created($"/api/documents/{written.Document.Id}", DocumentView.From(written.Document));
    }

    private static async Task<Results<Created<DocumentView>, NotFound, ValidationProblem, ProblemHttpResult>> AddVersionAsync(Guid id, HttpRequest request,
        [FromHeader(Name = "If-Match")] string? ifMatch, ContentDbContext db, UploadReceiver receiver, DocumentVersionWriter writer, ObjectStaging staging,
        PhiAccessAudit audit, CurrentCaller caller, OrganizationScope organization, CancellationToken ct)
    {
        if (NoOrganization(caller, organization) is { } refused)
        {
            return refused;
        }
        // Refused before a byte is read when the document is not there or already changed.
        var etag = await db.Documents.Where(d => d.Id == id).Select(d => (int?)d.Revision).SingleOrDefaultAsync(ct);
        if (etag is null)
        {
            return TypedResults.NotFound();
        }
        if (ifMatch is not null && !DocumentVersionWriter.Matches(ifMatch, $"\"r{etag}\""))
        {
            return PreconditionFailed(request.HttpContext, $"\"r{etag}\"");
        }
        audit.StatedPurposeOfUse();
        var received = await receiver.ReceiveAsync(request, ct);
        if (received is not UploadReceiver.Received upload)
        {
            return UploadReceiver.Problem(received);
        }
        if (upload.Fields.Keys.Any(k => k is "title" or "category" or "patientId"))
        {
            await staging.DiscardAsync(upload.Staged);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fields"] = ["A new version takes only the file (and its file name); change the title or category with PATCH."] });
        }
        var written = await writer.AddVersionAsync(id, ifMatch, upload, caller.UserId!.Value, ct);
        if (written is not DocumentVersionWriter.Written)
        {
            await staging.DiscardAsync(upload.Staged);
        }
        return Answer(request.HttpContext, written);
    }

    private static async Task<Results<Created<DocumentView>, NotFound, ValidationProblem, ProblemHttpResult>> RestoreVersionAsync(Guid id, int number,
        [FromHeader(Name = "If-Match")] string? ifMatch, DocumentVersionWriter writer, CurrentCaller caller, OrganizationScope organization, HttpContext http,
        CancellationToken ct)
    {
        if (NoOrganization(caller, organization) is { } refused)
        {
            return refused;
        }
        return Answer(http, await writer.RestoreVersionAsync(id, number, ifMatch, caller.UserId!.Value, ct));
    }

    private static Results<Created<DocumentView>, NotFound, ValidationProblem, ProblemHttpResult> Answer(HttpContext http, DocumentVersionWriter.Outcome outcome)
    {
        switch (outcome)
        {
            case DocumentVersionWriter.Written written:
                http.Response.Headers.ETag = written.Document.ETag;
                return TypedResults.Created($"/api/documents/{written.Document.Id}/versions/{written.Version.Number}/content", DocumentView.From(written.Document));
            case DocumentVersionWriter.Stale { PreconditionGiven: true } stale:
                return PreconditionFailed(http, stale.CurrentETag);
            case DocumentVersionWriter.Stale stale:
                http.Response.Headers.ETag = stale.CurrentETag;
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The document changed meanwhile.",
                    detail: "Another change was saved first. Read the document again and retry (with If-Match to be sure).");
            default:
                return TypedResults.NotFound();
        }
    }

    private static async Task<Results<Ok<DocumentView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, UpdateDocumentRequest update,
        [FromHeader(Name = "If-Match")] string? ifMatch, ContentDbContext db, PhiAccessAudit audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (update.Title is { } title && (title.Trim().Length == 0 || title.Length > 500))
        {
            errors["title"] = ["1 to 500 characters."];
        }
        if (update.Category is { } category && !DocumentCategories.All.Contains(category))
        {
            errors["category"] = ["Not a document category."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        if (ifMatch is not null && !DocumentVersionWriter.Matches(ifMatch, document.ETag))
        {
            return PreconditionFailed(http, document.ETag);
        }
        document.Title = update.Title ?? document.Title;
        document.Category = update.Category ?? document.Category;
        document.Revision++;
        document.UpdatedAt = time.GetUtcNow();
        var changed = string.Join(',', new[] { update.Title is null ? null : "title", update.Category is null ? null : "category" }.OfType<string>());
        if (!await TrySaveAsync(db, audit, DocumentVersionWriter.Change(document, PhiActions.Update, changed.Length == 0 ? null : changed), ct))
        {
            return Conflict(ifMatch is not null, http);
        }
        http.Response.Headers.ETag = document.ETag;
        return TypedResults.Ok(DocumentView.From(document));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(Guid id, [FromHeader(Name = "If-Match")] string? ifMatch,
        ContentDbContext db, PhiAccessAudit audit, CurrentCaller caller, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        if (ifMatch is not null && !DocumentVersionWriter.Matches(ifMatch, document.ETag))
        {
            return PreconditionFailed(http, document.ETag);
        }
        document.DeletedAt = time.GetUtcNow();
        document.DeletedBy = caller.UserId;
        document.Revision++;
        if (!await TrySaveAsync(db, audit, DocumentVersionWriter.Change(document, PhiActions.Delete, null), ct))
        {
            return Conflict(ifMatch is not null, http);
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeletedDocumentView[]>, ValidationProblem>> ListDeletedAsync(ContentDbContext db, IOptions<DocumentSettings> settings,
        TimeProvider time, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var retention = settings.Value.DeletedRetention;
        var since = time.GetUtcNow() - retention;
        var deleted = await db.Documents.IgnoreQueryFilters([Document.NotDeletedFilter]).AsNoTracking()
            .Where(d => d.DeletedAt != null && d.DeletedAt > since)
            .OrderByDescending(d => d.DeletedAt).ThenByDescending(d => d.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(deleted.Select(d => new DeletedDocumentView(DocumentView.From(d), d.DeletedBy, d.DeletedAt!.Value + retention)).ToArray());
    }

    private static async Task<Results<Ok<DocumentView>, NotFound, ProblemHttpResult>> UndeleteAsync(Guid id, ContentDbContext db, PhiAccessAudit audit,
        IOptions<DocumentSettings> settings, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var since = time.GetUtcNow() - settings.Value.DeletedRetention;
        var document = await db.Documents.IgnoreQueryFilters([Document.NotDeletedFilter])
            .SingleOrDefaultAsync(d => d.Id == id && d.DeletedAt != null && d.DeletedAt > since, ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        document.DeletedAt = null;
        document.DeletedBy = null;
        document.Revision++;
        if (!await TrySaveAsync(db, audit, DocumentVersionWriter.Change(document, PhiActions.Restore, "undeleted"), ct))
        {
            return Conflict(preconditionGiven: false, http);
        }
        http.Response.Headers.ETag = document.ETag;
        return TypedResults.Ok(DocumentView.From(document));
    }

    /// <summary>Saves the change with its PHI access record; false when another change of the document was saved first.</summary>
    private static async Task<bool> TrySaveAsync(ContentDbContext db, PhiAccessAudit audit, PhiAccess change, CancellationToken ct)
    {
        try
        {
            await audit.SaveWithRecordAsync(db, change, ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private static ProblemHttpResult PreconditionFailed(HttpContext http, string currentETag)
    {
        http.Response.Headers.ETag = currentETag;
        return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The document changed since you read it.",
            detail: "If-Match does not name its current ETag (given in this answer's ETag header). Nothing was changed.");
    }

    private static ProblemHttpResult Conflict(bool preconditionGiven, HttpContext http) => preconditionGiven
        ? TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The document changed since you read it.", detail: "Nothing was changed.")
        : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The document changed meanwhile.",
            detail: "Another change was saved first. Read the document again and retry (with If-Match to be sure).");

    /// <summary>Writing needs a user acting in an organization (a service token acts for none).</summary>
    private static ProblemHttpResult? NoOrganization(CurrentCaller caller, OrganizationScope organization) =>
        caller.UserId is null || organization.OrganizationId is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Documents are written by a user of an organization.",
                detail: "This token names no user acting in an organization.")
            : null;
}
