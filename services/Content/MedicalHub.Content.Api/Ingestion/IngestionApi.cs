using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Ingestion.Tools;
using MedicalHub.Content.Api.Search;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace MedicalHub.Content.Api.Ingestion;

/// <summary>
/// The pipeline as users see it: each document's processing state (with what was extracted and why it failed), its
/// thumbnails, the organization's counts and failed documents, and re-runs (one document, or all of them). A document
/// shared with the caller shows its state and thumbnails too; re-runs are the owning organization's.
/// </summary>
public static class IngestionApi
{
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents/{id:guid}").WithTags("Ingestion");
        documents.MapGet("/ingestion", GetStatusAsync).RequirePermission(PermissionNames.DocumentsRead).WithName("GetDocumentIngestion")
            .WithSummary("The document's processing state (pending, processing, indexed, failed), attempts, the failure's reason, and what was extracted");
        documents.MapPost("/ingestion/rerun", RerunAsync).RequirePermission(PermissionNames.DocumentsWrite).WithName("RerunDocumentIngestion")
            .WithSummary("Process the document's current version again");
        documents.MapGet("/thumbnail", GetThumbnailAsync).RequirePermission(PermissionNames.DocumentsRead).WithName("GetDocumentThumbnail")
            .WithSummary("A PNG preview of the first page or image: size=small (128 px) or large (512 px); ETag and Cache-Control, 304 on If-None-Match")
            .Produces(StatusCodes.Status200OK, contentType: "image/png").Produces(StatusCodes.Status304NotModified);

        var ingestion = app.MapGroup("/api/ingestion").WithTags("Ingestion");
        ingestion.MapGet("/", GetSummaryAsync).RequirePermission(PermissionNames.DocumentsRead).WithName("GetIngestionSummary")
            .WithSummary("The organization's documents by processing state, and the search index in use (rum, or the gin fallback)");
        ingestion.MapGet("/documents", ListAsync).RequirePermission(PermissionNames.DocumentsRead).WithName("ListIngestionJobs")
            .WithSummary("The organization's documents in one processing state (e.g. state=failed), most recently changed first");
        ingestion.MapPost("/rerun", RerunAllAsync).RequirePermission(PermissionNames.OrgManage).WithName("RerunAllIngestion")
            .WithSummary("Process the current version of every document again (onlyFailed: only those that failed)");
        return app;
    }

    public sealed record ExtractionView(int Version, string Extractor, int PageCount, int CharacterCount, int OcrPageCount,
        IReadOnlyList<MetadataEntry> Metadata, IReadOnlyList<string> Warnings, IReadOnlyList<string> Thumbnails, DateTimeOffset ExtractedAt);

    public sealed record StatusView(Guid DocumentId, int Version, string State, int Attempts, string? LastError, DateTimeOffset UpdatedAt,
        DateTimeOffset? CompletedAt, ExtractionView? Extraction);

    public sealed record SummaryView(IReadOnlyDictionary<string, int> Documents, string SearchIndex);

    public sealed record JobView(Guid DocumentId, string Title, int Version, string State, int Attempts, string? LastError, DateTimeOffset UpdatedAt);

    public sealed record JobPage(IReadOnlyList<JobView> Items, int Page, int PageSize, int Total);

    public sealed record RerunAllRequest(bool OnlyFailed = false);

    public sealed record RerunAllView(int Queued);

    private static async Task<Results<Ok<StatusView>, NotFound>> GetStatusAsync(Guid id, ReadableDocuments readable, ContentDbContext db, CancellationToken ct)
    {
        var document = await readable.FindAsync(id, ct);
        return document is null ? TypedResults.NotFound() : TypedResults.Ok(await StatusAsync(db, document, ct));
    }

    /// <summary>The state of the document's current version; a version stored before the pipeline existed counts as pending.</summary>
    internal static async Task<StatusView> StatusAsync(ContentDbContext db, Document document, CancellationToken ct)
    {
        var job = await db.Set<IngestionJob>().AcrossOrganizations().AsNoTracking()
            .Where(j => j.DocumentId == document.Id && j.OrganizationId == document.OrganizationId && j.VersionNumber == document.CurrentVersion)
            .SingleOrDefaultAsync(ct);
        var extraction = await db.Set<DocumentExtraction>().AcrossOrganizations().AsNoTracking()
            .SingleOrDefaultAsync(e => e.DocumentId == document.Id && e.OrganizationId == document.OrganizationId, ct);
        var thumbnails = await db.Set<DocumentThumbnail>().AcrossOrganizations()
            .Where(t => t.DocumentId == document.Id && t.OrganizationId == document.OrganizationId).Select(t => t.Size).ToListAsync(ct);
        return new StatusView(document.Id, document.CurrentVersion, job?.State ?? IngestionStates.Pending, job?.Attempts ?? 0, job?.LastError,
            job?.UpdatedAt ?? document.UpdatedAt, job?.CompletedAt,
            extraction is null ? null : new ExtractionView(extraction.VersionNumber, extraction.Extractor, extraction.PageCount, extraction.CharacterCount,
                extraction.OcrPageCount, extraction.Metadata, extraction.Warnings, [.. thumbnails.Order(StringComparer.Ordinal)], extraction.ExtractedAt));
    }

    private static async Task<Results<Accepted<StatusView>, NotFound>> RerunAsync(Guid id, IngestionReruns queue, ContentDbContext db, CancellationToken ct)
    {
        if (!await queue.RerunAsync(id, ct))
        {
            return TypedResults.NotFound();
        }
        var document = await db.Documents.AsNoTracking().SingleAsync(d => d.Id == id, ct);
        return TypedResults.Accepted($"/api/documents/{id}/ingestion", await StatusAsync(db, document, ct));
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, NotFound, ValidationProblem>> GetThumbnailAsync(Guid id, ReadableDocuments readable,
        ContentDbContext db, PhiAccessAudit audit, HttpContext http, CancellationToken ct, string size = Thumbnailer.Small)
    {
        if (!Thumbnailer.Sizes.Contains(size))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["size"] = ["small or large."] });
        }
        var document = await readable.FindAsync(id, ct);
        var thumbnail = document is null ? null : await db.Set<DocumentThumbnail>().AcrossOrganizations().AsNoTracking()
            .SingleOrDefaultAsync(t => t.DocumentId == id && t.OrganizationId == document.OrganizationId && t.Size == size, ct);
        if (document is null || thumbnail is null)
        {
            return TypedResults.NotFound();
        }
        var etag = new EntityTagHeaderValue($"\"{thumbnail.Sha256}\"");
        http.Response.Headers.CacheControl = "private, max-age=3600";
        http.Response.Headers.ETag = etag.ToString();
        if (http.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } none && none.Any(tag => tag.Compare(etag, useStrongComparison: false) || tag.Equals(EntityTagHeaderValue.Any)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        // A preview shows the document's content: read as the document is.
        await audit.RecordAsync(new PhiAccess(PhiActions.Read, "DocumentReference", id.ToString(), document.PatientId is { } patient ? [patient] : [],
            Detail: $"thumbnail {size}"), ct);
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return TypedResults.File(thumbnail.Png, "image/png", lastModified: thumbnail.CreatedAt);
    }

    private static async Task<Ok<SummaryView>> GetSummaryAsync(ContentDbContext db, SearchIndexStatus index, CancellationToken ct)
    {
        var counts = await db.Set<IngestionJob>()
            .Join(db.Documents, j => new { j.DocumentId, Version = j.VersionNumber }, d => new { DocumentId = d.Id, Version = d.CurrentVersion }, (j, d) => j.State)
            .GroupBy(state => state).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(ct);
        var byState = IngestionStates.OfDocuments.ToDictionary(s => s, s => counts.Where(c => c.State == s).Sum(c => c.Count), StringComparer.Ordinal);
        return TypedResults.Ok(new SummaryView(byState, await index.KindAsync(ct)));
    }

    private static async Task<Results<Ok<JobPage>, ValidationProblem>> ListAsync(ContentDbContext db, CancellationToken ct, string state = IngestionStates.Failed,
        int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.AddErrors(errors, page, pageSize);
        if (!IngestionStates.OfDocuments.Contains(state))
        {
            errors["state"] = [$"One of {string.Join(", ", IngestionStates.OfDocuments)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var jobs = db.Set<IngestionJob>().AsNoTracking()
            .Join(db.Documents, j => new { j.DocumentId, Version = j.VersionNumber }, d => new { DocumentId = d.Id, Version = d.CurrentVersion }, (j, d) => new { Job = j, d.Title })
            .Where(x => x.Job.State == state);
        var total = await jobs.CountAsync(ct);
        var items = await jobs.OrderByDescending(x => x.Job.UpdatedAt).ThenBy(x => x.Job.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(x => new JobView(x.Job.DocumentId, x.Title, x.Job.VersionNumber, x.Job.State, x.Job.Attempts, x.Job.LastError, x.Job.UpdatedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new JobPage(items, page, pageSize, total));
    }

    private static async Task<Accepted<RerunAllView>> RerunAllAsync(RerunAllRequest? request, IngestionReruns queue, CancellationToken ct) =>
        TypedResults.Accepted("/api/ingestion", new RerunAllView(await queue.RerunAllAsync(request?.OnlyFailed ?? false, ct)));
}
