using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data;
using MedicalHub.Data.Audit;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.AccessAudit;

/// <summary>
/// The organization's PHI access records, for holders of <c>audit:read</c>: who looked at a patient's record, what a
/// user looked at, and the verification of the organization's chain. Reading them is itself recorded.
/// </summary>
public static class AccessAuditApi
{
    public static IEndpointRouteBuilder MapAccessAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/access-audit").WithTags("PHI access audit").RequirePermission(PermissionNames.AuditRead);
        audit.MapGet("/", ListAsync).WithName("ListPhiAccessRecords")
            .WithSummary("Accesses to patient data, newest first: by patient (who looked at this record), by user, by action and time");
        audit.MapGet("/verify", VerifyAsync).WithName("VerifyPhiAccessChain")
            .WithSummary("Recompute the organization's chain: valid, or the first record that was changed, removed or signed with an unknown key");
        return app;
    }

    public sealed record AccessRecordView(long Sequence, DateTimeOffset OccurredAt, string Action, Guid? UserId, string? ClientId,
        string ResourceType, string? ResourceId, Guid[] PatientIds, string? PurposeOfUse, string? Query, string? IpAddress,
        string? ForwardedFor, string? UserAgent, string? RequestId, string? Detail, string KeyId, string Hash)
    {
        public static AccessRecordView From(PhiAccessRecord r) => new(r.Sequence, r.OccurredAt, r.Action, r.UserId, r.ClientId,
            r.ResourceType, r.ResourceId, r.PatientIds, r.PurposeOfUse, r.Query, r.IpAddress, r.ForwardedFor, r.UserAgent, r.RequestId,
            r.Detail, r.KeyId, r.Hash);
    }

    public sealed record AccessRecordPage(AccessRecordView[] Items, int Page, int PageSize, int Total);

    /// <summary>The filters of a listing; all optional.</summary>
    public sealed record AccessFilter(Guid? PatientId, Guid? UserId, string? Action, DateTimeOffset? From, DateTimeOffset? To);

    private static async Task<Results<Ok<AccessRecordPage>, ValidationProblem>> ListAsync(Guid? patientId, Guid? userId, string? action,
        DateTimeOffset? from, DateTimeOffset? to, ContentDbContext db, PhiAccessAudit audit, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.AddErrors(errors, page, pageSize);
        if (action is not null && !PhiActions.All.Contains(action))
        {
            errors["action"] = [$"One of {string.Join(", ", PhiActions.All)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var records = Filtered(db, new AccessFilter(patientId, userId, action, from, to));
        var total = await records.CountAsync(ct);
        var items = await records.OrderByDescending(r => r.Sequence).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        await audit.RecordAsync(new PhiAccess(PhiActions.Read, "AuditEvent", null, patientId is { } p ? [p] : [],
            Query: QueryOf(patientId, userId, action, from, to)), ct);
        return TypedResults.Ok(new AccessRecordPage([.. items.Select(AccessRecordView.From)], page, pageSize, total));
    }

    /// <summary>The caller's organization's records matching <paramref name="filter"/> (the organization filter scopes them).</summary>
    public static IQueryable<PhiAccessRecord> Filtered(ContentDbContext db, AccessFilter filter)
    {
        var records = db.PhiAccessRecords.AsNoTracking();
        if (filter.PatientId is { } patient)
        {
            // wanted <@ patient_ids: array containment, which the GIN index on patient_ids serves.
            Guid[] wanted = [patient];
            records = records.Where(r => wanted.All(p => r.PatientIds.Contains(p)));
        }
        if (filter.UserId is { } user)
        {
            records = records.Where(r => r.UserId == user);
        }
        if (filter.Action is { } action)
        {
            records = records.Where(r => r.Action == action);
        }
        if (filter.From is { } since)
        {
            var sinceUtc = since.ToUniversalTime();
            records = records.Where(r => r.OccurredAt >= sinceUtc);
        }
        if (filter.To is { } until)
        {
            var untilUtc = until.ToUniversalTime();
            records = records.Where(r => r.OccurredAt < untilUtc);
        }
        return records;
    }

    /// <summary>The names of the filters used (their values may be PHI and are not recorded).</summary>
    private static string? QueryOf(Guid? patientId, Guid? userId, string? action, DateTimeOffset? from, DateTimeOffset? to)
    {
        string?[] names = [patientId is null ? null : "patientId", userId is null ? null : "userId", action is null ? null : "action",
            from is null ? null : "from", to is null ? null : "to"];
        var given = names.OfType<string>().ToArray();
        return given.Length > 0 ? string.Join(',', given) : null;
    }

    private static async Task<Ok<AuditChainVerification>> VerifyAsync(AuditChain<ContentDbContext, PhiAccessRecord> chain, OrganizationScope organizations, CancellationToken ct) =>
        TypedResults.Ok(await chain.VerifyAsync(organizations.OrganizationId ?? Guid.Empty, ct));
}
