using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Audit;

/// <summary>The organization's security audit trail, for holders of <c>audit:read</c>; always the caller's own organization.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit-events").WithTags("Audit")
            .RequireAuthorization(policy => policy.RequireClaim(ClaimNames.Permission, PermissionNames.AuditRead));

        audit.MapGet("/", ListAsync).WithName("ListAuditEvents")
            .WithSummary("Security events of the organization, newest first; filter by action, actor and time");
        audit.MapGet("/fhir", ListFhirAsync).WithName("ExportAuditEventsAsFhir")
            .WithSummary("The same events and filters as a FHIR R4 Bundle (searchset) of AuditEvent resources, application/fhir+json")
            .Produces(StatusCodes.Status200OK, contentType: FhirAuditEvents.MediaType);
        audit.MapGet("/verify", VerifyAsync).WithName("VerifyAuditTrail")
            .WithSummary("Recompute the organization's hash chain: valid, or the first entry that was tampered with");
        return app;
    }

    public sealed record AuditEventView(long Sequence, DateTimeOffset OccurredAt, string Action, string Outcome, Guid? ActorUserId, Guid? SubjectUserId,
        string? ClientId, string? IpAddress, string? UserAgent, string? Reason, string Hash);

    public sealed record AuditPage(AuditEventView[] Items, int Page, int PageSize, long Total);

    public const int MaxPageSize = 200;
    public const int MaxPage = 100_000;
    public const int DefaultPageSize = 50;

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(string? action, Guid? actor, DateTimeOffset? from, DateTimeOffset? to,
        int? page, int? pageSize, ClaimsPrincipal principal, IdentityServiceDbContext db, CancellationToken ct)
    {
        if (InvalidFilters(action, page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var events = Filtered(db, principal.RequiredOrganizationId(), action, actor, from, to);
        var (number, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        var total = await events.LongCountAsync(ct);
        var items = await events.OrderByDescending(e => e.Sequence).Skip((number - 1) * size).Take(size)
            .Select(e => new AuditEventView(e.Sequence, e.OccurredAt, e.Action, e.Outcome, e.ActorUserId, e.SubjectUserId, e.ClientId, e.IpAddress, e.UserAgent, e.Reason, e.Hash))
            .ToArrayAsync(ct);
        return TypedResults.Ok(new AuditPage(items, number, size, total));
    }

    /// <summary>The same page as <see cref="ListAsync"/>, as a FHIR R4 searchset Bundle of AuditEvent resources.</summary>
    private static async Task<Results<ContentHttpResult, ValidationProblem>> ListFhirAsync(string? action, Guid? actor, DateTimeOffset? from, DateTimeOffset? to,
        int? page, int? pageSize, ClaimsPrincipal principal, IdentityServiceDbContext db, HttpRequest request, CancellationToken ct)
    {
        if (InvalidFilters(action, page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var events = Filtered(db, principal.RequiredOrganizationId(), action, actor, from, to);
        var (number, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        var total = await events.LongCountAsync(ct);
        var items = await events.OrderByDescending(e => e.Sequence).Skip((number - 1) * size).Take(size).ToListAsync(ct);

        var self = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        string PageUrl(int p) => self + QueryString.Create(request.Query.Where(q => q.Key != "page")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))).Append(new("page", p.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var bundle = FhirAuditEvents.Searchset(items, total, PageUrl(number), (long)number * size < total && number < MaxPage ? PageUrl(number + 1) : null);
        return TypedResults.Text(FhirAuditEvents.Serialize(bundle), FhirAuditEvents.MediaType, System.Text.Encoding.UTF8);
    }

    private static Dictionary<string, string[]>? InvalidFilters(string? action, int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > MaxPage)
        {
            errors["page"] = [$"Pages are numbered from 1 to {MaxPage}."];
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"Between 1 and {MaxPageSize}."];
        }
        if (action is { Length: > 64 })
        {
            errors["action"] = ["At most 64 characters."];
        }
        return errors.Count > 0 ? errors : null;
    }

    /// <summary>The organization's events matching the filters; <paramref name="actor"/> matches the actor or the subject.</summary>
    private static IQueryable<AuditEvent> Filtered(IdentityServiceDbContext db, Guid chain, string? action, Guid? actor, DateTimeOffset? from, DateTimeOffset? to)
    {
        var events = db.AuditEvents.AsNoTracking().Where(e => e.ChainId == chain);
        if (action is { Length: > 0 })
        {
            events = events.Where(e => e.Action == action);
        }
        if (actor is { } actorId)
        {
            events = events.Where(e => e.ActorUserId == actorId || e.SubjectUserId == actorId);
        }
        if (from is { } since)
        {
            var sinceUtc = since.ToUniversalTime();
            events = events.Where(e => e.OccurredAt >= sinceUtc);
        }
        if (to is { } until)
        {
            var untilUtc = until.ToUniversalTime();
            events = events.Where(e => e.OccurredAt < untilUtc);
        }
        return events;
    }

    private static async Task<Ok<AuditTrail.Verification>> VerifyAsync(ClaimsPrincipal principal, AuditTrail trail, CancellationToken ct) =>
        TypedResults.Ok(await trail.VerifyAsync(principal.RequiredOrganizationId(), ct));
}
