using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Patients;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Search;

/// <summary>
/// Full-text search over the documents the caller may read (their organization's, and those shared with them): ranked,
/// with highlighted snippets, filters, facets on request, and prefix matching as you type; the first page also lists the
/// organization's patients whose names the words begin (the patient registry's name search). Each search is recorded in
/// the PHI access audit with the patients of the page returned, and so is each hit opened (<c>search-hit-opened</c>).
/// </summary>
public static class SearchApi
{
    public const int MaxPageSize = 50;
    public const int MaxPage = 50;

    /// <summary>Patients listed with the first page of a search.</summary>
    public const int MaxPatients = 5;

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/api/search").WithTags("Search").RequirePermission(PermissionNames.DocumentsRead);
        search.MapGet("/", SearchAsync).WithName("SearchDocuments")
            .WithSummary("Documents matching q (words ANDed, \"phrases\", or, -word; prefix=true: the last word as typed), ranked, with snippets; filters patientId, category, mediaType, from, to, author; facets=true adds counts; the first page also lists up to 5 patients whose names the words begin");
        search.MapGet("/documents/{id:guid}", OpenHitAsync).WithName("OpenSearchHit")
            .WithSummary("A document found by a search, with its pages that match q highlighted (recorded as a search hit opened)");
        return app;
    }

    public sealed record HitView(Guid DocumentId, Guid OrganizationId, string Title, string Category, string MediaType, Guid? PatientId, Guid AuthorId,
        DateTimeOffset CreatedAt, double Rank, string Snippet);

    public sealed record SearchPage(IReadOnlyList<HitView> Items, int Page, int PageSize, bool HasMore, SearchFacets? Facets, string Index,
        IReadOnlyList<PatientView> Patients);

    public sealed record PageView(int Number, bool Ocr, string Text);

    public sealed record OpenedHit(DocumentView Document, IReadOnlyList<PageView> Pages);

    private static async Task<Results<Ok<SearchPage>, ValidationProblem>> SearchAsync(DocumentSearch documents, ReadableDocuments readable, ContentDbContext db,
        OrganizationScope organization, PhiAccessAudit audit, PatientRegistry patients, CurrentCaller caller, CancellationToken ct, string? q = null, bool prefix = false, Guid? patientId = null,
        string? category = null, string? mediaType = null, DateTimeOffset? from = null, DateTimeOffset? to = null, Guid? author = null,
        int page = 1, int pageSize = 20, bool facets = false)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = Validate(q, prefix, errors);
        if (page < 1 || page > MaxPage)
        {
            errors["page"] = [$"From 1 to {MaxPage}; narrow the search with filters to go further."];
        }
        if (pageSize < 1 || pageSize > MaxPageSize)
        {
            errors["pageSize"] = [$"From 1 to {MaxPageSize}."];
        }
        if (category is not null && !DocumentCategories.All.Contains(category))
        {
            errors["category"] = ["Not a document category."];
        }
        if (mediaType is { Length: > 255 })
        {
            errors["mediaType"] = ["At most 255 characters."];
        }
        if (from is not null && to is not null && from >= to)
        {
            errors["to"] = ["After from."];
        }
        audit.StatedPurposeOfUse();
        if (errors.Count > 0 || query is null || organization.OrganizationId is not { } organizationId)
        {
            errors.TryAdd("q", ["Searching needs an organization's user."]);
            return TypedResults.ValidationProblem(errors);
        }

        var scope = new SearchScope(organizationId, await SharedDocumentIdsAsync(readable, db, organizationId, ct));
        var results = await documents.SearchAsync(query, new SearchFilters(patientId, category, mediaType, from, to, author), scope, page, pageSize, facets, ct);
        var parameters = new[] { ("q", (object?)q), ("prefix", prefix ? true : null), ("patientId", patientId), ("category", category), ("mediaType", mediaType),
            ("from", from), ("to", to), ("author", author), ("facets", facets ? true : null) };
        await audit.RecordAsync(new PhiAccess(PhiActions.Search, "DocumentReference", null,
            [.. results.Hits.Where(h => h.PatientId is not null).Select(h => h.PatientId!.Value).Distinct()],
            Query: string.Join(',', parameters.Where(p => p.Item2 is not null).Select(p => p.Item1))), ct);
        var matchingPatients = page == 1 && patientId is null && caller.HasPermission(PermissionNames.PatientsRead) ? await PatientsNamedAsync(patients, q!, ct) : [];
        return TypedResults.Ok(new SearchPage(
            [.. results.Hits.Select(h => new HitView(h.DocumentId, h.OrganizationId, h.Title, h.Category, h.MediaType, h.PatientId, h.AuthorId, h.CreatedAt, h.Rank, h.Snippet))],
            page, pageSize, results.HasMore, results.Facets, results.Index, matchingPatients));
    }

    /// <summary>The organization's patients whose names the query's words begin (recorded as a patient search by the registry); none when no word is a name.</summary>
    private static async Task<IReadOnlyList<PatientView>> PatientsNamedAsync(PatientRegistry patients, string q, CancellationToken ct)
    {
        var parser = new PatientQueryParser();
        var words = string.Join(' ', q.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith('-') && !w.Equals("or", StringComparison.OrdinalIgnoreCase)));
        parser.Name("name", words.Length > PatientQueryParser.MaxValueLength ? words[..PatientQueryParser.MaxValueLength] : words, parser.Query.NameWords);
        if (parser.Errors.Count > 0 || parser.Query.NameWords.Count == 0)
        {
            return [];
        }
        var (items, _) = await patients.SearchAsync(parser.Query, 1, MaxPatients, ct);
        return items;
    }

    private static async Task<Results<Ok<OpenedHit>, NotFound, ValidationProblem>> OpenHitAsync(Guid id, ReadableDocuments readable, ContentDbContext db,
        PhiAccessAudit audit, CancellationToken ct, string? q = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = Validate(q, prefix: false, errors);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        audit.StatedPurposeOfUse();
        var document = await readable.FindAsync(id, ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        var pages = await MatchingPagesAsync(db, document, query, ct);
        await audit.RecordAsync(new PhiAccess(PhiActions.SearchHitOpened, "DocumentReference", id.ToString(), document.PatientId is { } patient ? [patient] : [],
            Query: "q"), ct);
        return TypedResults.Ok(new OpenedHit(DocumentView.From(document), pages));
    }

    /// <summary>The pages (at most 20) of the document's latest processed version that match, whole, with every match marked.</summary>
    private static async Task<IReadOnlyList<PageView>> MatchingPagesAsync(ContentDbContext db, Document document, SearchQuery query, CancellationToken ct)
    {
        var parameters = new List<object>();
        var tsquery = query.Sql(value =>
        {
            parameters.Add(value);
            return "{" + (parameters.Count - 1) + "}";
        });
        var documentId = "{" + parameters.Count + "}";
        var organizationId = "{" + (parameters.Count + 1) + "}";
        parameters.Add(document.Id);
        parameters.Add(document.OrganizationId);
        var sql = $"""
            SELECT p.page_number AS "Number", p.ocr AS "Ocr",
                   ts_headline(CASE e.language WHEN 'fr' THEN 'medicalhub_fr'::regconfig ELSE 'medicalhub_en'::regconfig END, p.text, {tsquery},
                               'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', HighlightAll=true') AS "Text"
            FROM document_text_pages p JOIN search_entries e ON e.document_id = p.document_id
            WHERE p.document_id = {documentId} AND p.organization_id = {organizationId}
              AND to_tsvector(CASE e.language WHEN 'fr' THEN 'medicalhub_fr'::regconfig ELSE 'medicalhub_en'::regconfig END, p.text) @@ {tsquery}
            ORDER BY p.page_number
            LIMIT 20
            """;
#pragma warning disable EF1002 // the SQL is built from constants and numbered placeholders only; every value is a parameter
        var pages = await db.Database.SqlQueryRaw<PageView>(sql, [.. parameters]).ToListAsync(ct);
#pragma warning restore EF1002
        return [.. pages.Select(p => p with { Text = DocumentSearch.Snippet(p.Text) })];
    }

    private static SearchQuery? Validate(string? q, bool prefix, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            errors["q"] = ["What to search for."];
            return null;
        }
        if (q.Length > SearchQuery.MaxLength || SearchQuery.HasControlCharacters(q))
        {
            errors["q"] = [$"At most {SearchQuery.MaxLength} characters, without control characters."];
            return null;
        }
        var query = SearchQuery.Parse(q, prefix);
        if (query is null)
        {
            errors["q"] = ["What to search for."];
        }
        return query;
    }

    /// <summary>The documents of other organizations the caller reads through active shares (their own organization's are searched anyway).</summary>
    private static async Task<IReadOnlyList<Guid>> SharedDocumentIdsAsync(ReadableDocuments readable, ContentDbContext db, Guid organizationId, CancellationToken ct)
    {
        var grants = readable.Grants();
        if (grants is null || !await grants.AnyAsync(ct))
        {
            return [];
        }
        return await db.Documents.AcrossOrganizations().AsNoTracking()
            .Where(d => d.OrganizationId != organizationId
                && grants.Any(s => s.OrganizationId == d.OrganizationId && (s.DocumentId == d.Id || (s.PatientId != null && s.PatientId == d.PatientId))))
            .Select(d => d.Id).Take(10_000).ToListAsync(ct);
    }
}
