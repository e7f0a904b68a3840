using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Patients;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Clinical;

/// <summary>
/// Structured results: a patient's observations (filtered by code and date), the results no patient could be matched to,
/// and matching them by hand. Another organization's patient or document is not found; every read is PHI-audited.
/// </summary>
public static class ClinicalApi
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapClinicalApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/patients/{id:guid}/observations", PatientObservationsAsync).WithTags("Clinical").WithName("GetPatientObservations")
            .RequirePermission(PermissionNames.PatientsRead)
            .WithSummary("The patient's observations (lab results), newest first; code filters by code, from/to by when they were observed");
        var unmatched = app.MapGroup("/api/observations/unmatched").WithTags("Clinical");
        unmatched.MapGet("/", UnmatchedAsync).RequirePermission(PermissionNames.PatientsRead).WithName("ListUnmatchedObservations")
            .WithSummary("Documents whose results no patient could be matched to, with how many results each holds");
        unmatched.MapPost("/{documentId:guid}/match", MatchAsync).RequirePermission(PermissionNames.PatientsWrite).WithName("MatchObservations")
            .WithSummary("Links the unmatched results of a document to a patient");
        return app;
    }

    public sealed record ObservationView(Guid Id, Guid? PatientId, Guid SourceDocumentId, string Code, string? CodeSystem, string? Display, string? ValueType,
        decimal? ValueNumber, string? ValueText, string? Unit, string? ReferenceRange, decimal? ReferenceLow, decimal? ReferenceHigh, string? AbnormalFlag,
        string Status, DateTimeOffset? EffectiveAt, string? ReportCode, string? ReportDisplay);

    public sealed record ObservationPage(IReadOnlyList<ObservationView> Items, int Page, int PageSize, int Total);

    public sealed record UnmatchedDocument(Guid DocumentId, string Title, int Results, DateTimeOffset ReceivedAt);

    public sealed record MatchRequest(Guid PatientId);

    public sealed record MatchResult(Guid DocumentId, Guid PatientId, int Matched);

    private static async Task<Results<Ok<ObservationPage>, NotFound, ValidationProblem>> PatientObservationsAsync(Guid id, ContentDbContext db, PhiAccessAudit audit,
        CancellationToken ct, string? code = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (page < 1)
        {
            errors["page"] = ["From 1."];
        }
        if (pageSize < 1 || pageSize > MaxPageSize)
        {
            errors["pageSize"] = [$"From 1 to {MaxPageSize}."];
        }
        if (code is { Length: > 100 })
        {
            errors["code"] = ["At most 100 characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        audit.StatedPurposeOfUse();
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var observations = db.Set<ClinicalObservation>().AsNoTracking().Where(o => o.PatientId == id);
        if (code is not null)
        {
            observations = observations.Where(o => o.Code == code);
        }
        if (from is not null)
        {
            observations = observations.Where(o => o.EffectiveAt >= from);
        }
        if (to is not null)
        {
            observations = observations.Where(o => o.EffectiveAt < to);
        }
        var total = await observations.CountAsync(ct);
        var items = await observations.OrderByDescending(o => o.EffectiveAt).ThenBy(o => o.SourceDocumentId).ThenBy(o => o.Sequence)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(View).ToListAsync(ct);
        var filters = new[] { ("code", code is not null), ("from", from is not null), ("to", to is not null) }.Where(f => f.Item2).Select(f => f.Item1);
        await audit.RecordAsync(new PhiAccess(PhiActions.Read, "Observation", null, [id], Query: string.Join(',', filters)), ct);
        return TypedResults.Ok(new ObservationPage(items, page, pageSize, total));
    }

    private static async Task<Ok<IReadOnlyList<UnmatchedDocument>>> UnmatchedAsync(ContentDbContext db, PhiAccessAudit audit, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var waiting = await db.Set<ClinicalObservation>().AsNoTracking().Where(o => o.PatientId == null)
            .GroupBy(o => o.SourceDocumentId).Select(g => new { DocumentId = g.Key, Results = g.Count() }).Take(500).ToListAsync(ct);
        var ids = waiting.Select(w => w.DocumentId).ToList();
        var titles = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id)).Select(d => new { d.Id, d.Title, d.CreatedAt }).ToDictionaryAsync(d => d.Id, ct);
        List<UnmatchedDocument> documents = [.. waiting.Where(w => titles.ContainsKey(w.DocumentId))
            .Select(w => new UnmatchedDocument(w.DocumentId, titles[w.DocumentId].Title, w.Results, titles[w.DocumentId].CreatedAt)).OrderBy(u => u.ReceivedAt)];
        await audit.RecordAsync(new PhiAccess(PhiActions.Read, "Observation", null, [], Detail: "unmatched results"), ct);
        return TypedResults.Ok<IReadOnlyList<UnmatchedDocument>>(documents);
    }

    private static async Task<Results<Ok<MatchResult>, NotFound, ValidationProblem>> MatchAsync(Guid documentId, MatchRequest request, ContentDbContext db,
        PhiAccessAudit audit, CancellationToken ct)
    {
        if (request.PatientId == Guid.Empty)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patientId"] = ["The patient to link the results to."] });
        }
        if (!await db.Patients.AnyAsync(p => p.Id == request.PatientId && p.MergedIntoId == null, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patientId"] = ["No such patient in this organization."] });
        }
        var matched = await db.Set<ClinicalObservation>().Where(o => o.SourceDocumentId == documentId && o.PatientId == null)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.PatientId, request.PatientId), ct);
        if (matched == 0)
        {
            return TypedResults.NotFound();
        }
        await audit.RecordAsync(new PhiAccess(PhiActions.Update, "Observation", null, [request.PatientId], Detail: $"matched {matched} results of document {documentId}"), ct);
        return TypedResults.Ok(new MatchResult(documentId, request.PatientId, matched));
    }

    private static readonly System.Linq.Expressions.Expression<Func<ClinicalObservation, ObservationView>> View = o => new ObservationView(o.Id, o.PatientId,
        o.SourceDocumentId, o.Code, o.CodeSystem, o.Display, o.ValueType, o.ValueNumber, o.ValueText, o.Unit, o.ReferenceRange, o.ReferenceLow, o.ReferenceHigh,
        o.AbnormalFlag, o.Status, o.EffectiveAt, o.ReportCode, o.ReportDisplay);
}
