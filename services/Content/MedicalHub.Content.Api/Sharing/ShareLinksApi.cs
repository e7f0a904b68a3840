using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// Read-only links to one document for someone without an account (<c>documents:share</c>): made with an expiry, maybe
/// one-time, maybe with an access code; listed with every use; revoked at once. The token is in the answer to the
/// creation only. Links are opened through <see cref="PublicShareLinksApi"/>.
/// </summary>
public static class ShareLinksApi
{
    public static IEndpointRouteBuilder MapShareLinksApi(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/api/share-links").WithTags("Sharing").RequirePermission(PermissionNames.DocumentsShare);
        links.MapPost("/", CreateAsync).WithName("CreateShareLink")
            .WithSummary("Make an expiring read-only link to a document (the token is shown in this answer only)");
        links.MapGet("/", ListAsync).WithName("ListShareLinks")
            .WithSummary("The organization's share links, newest first, by document");
        links.MapGet("/{id:guid}", GetAsync).WithName("GetShareLink")
            .WithSummary("A share link with every use of it, allowed or refused");
        links.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeShareLink")
            .WithSummary("Revoke a share link: it stops working at once");
        return app;
    }

    public sealed record CreateShareLinkRequest(Guid? DocumentId, DateTimeOffset? ExpiresAt, bool OneTime, string? AccessCode);

    public sealed record ShareLinkView(Guid Id, Guid DocumentId, DateTimeOffset ExpiresAt, bool OneTime, bool HasAccessCode, DateTimeOffset? UsedAt,
        DateTimeOffset? RevokedAt, Guid CreatedBy, DateTimeOffset CreatedAt, bool Active)
    {
        public static ShareLinkView From(ShareLink l, DateTimeOffset now, int maxCodeAttempts) => new(l.Id, l.DocumentId, l.ExpiresAt, l.OneTime,
            l.AccessCodeHash is not null, l.UsedAt, l.RevokedAt, l.CreatedBy, l.CreatedAt,
            l.RevokedAt is null && l.ExpiresAt > now && !(l.OneTime && l.UsedAt is not null) && l.FailedCodeAttempts < maxCodeAttempts);
    }

    /// <summary>The new link, with its token: give it to the recipient (the web app's link carries it after '#', never sent to a server in a URL).</summary>
    public sealed record CreatedShareLink(ShareLinkView Link, string Token);

    public sealed record ShareLinkUseView(DateTimeOffset At, string Outcome, string? RemoteAddress, string? UserAgent);

    public sealed record ShareLinkDetails(ShareLinkView Link, ShareLinkUseView[] Uses);

    public sealed record ShareLinkPage(ShareLinkView[] Items, int Page, int PageSize, int Total);

    private static async Task<Results<Created<CreatedShareLink>, NotFound, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateShareLinkRequest request,
        ContentDbContext db, PhiAccessAudit audit, CurrentCaller caller, OrganizationScope organization, IOptions<SharingSettings> settings, TimeProvider time,
        CancellationToken ct)
    {
        if (caller.UserId is not { } userId || organization.OrganizationId is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Share links are made by a user of an organization.");
        }
        var now = time.GetUtcNow();
        var maxLifetime = settings.Value.MaxLinkLifetime;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.DocumentId is null)
        {
            errors["documentId"] = ["The document the link opens."];
        }
        if (request.ExpiresAt is not { } expires || expires <= now || expires > now + maxLifetime)
        {
            errors["expiresAt"] = [$"When the link stops working: in the future, at most {maxLifetime.TotalDays:0} days from now."];
        }
        if (request.AccessCode is { } code && (code.Length is < 4 or > 64 || code.Any(char.IsControl)))
        {
            errors["accessCode"] = ["4 to 64 characters, no control characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        audit.StatedPurposeOfUse();
        var document = await db.Documents.AsNoTracking().Where(d => d.Id == request.DocumentId).Select(d => new { d.PatientId }).SingleOrDefaultAsync(ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        var token = ShareLinkSecrets.NewToken();
        var (codeHash, codeSalt) = request.AccessCode is { } accessCode ? ShareLinkSecrets.HashCode(accessCode) : (null, null);
        var link = new ShareLink
        {
            DocumentId = request.DocumentId!.Value,
            TokenHash = ShareLinkSecrets.HashToken(token),
            ExpiresAt = request.ExpiresAt!.Value,
            OneTime = request.OneTime,
            AccessCodeHash = codeHash,
            AccessCodeSalt = codeSalt,
            CreatedBy = userId,
            CreatedAt = now,
        };
        db.ShareLinks.Add(link);
        await audit.SaveWithRecordAsync(db, Recorded(link, PhiActions.Share, document.PatientId), ct);
        return TypedResults.Created($"/api/share-links/{link.Id}", new CreatedShareLink(ShareLinkView.From(link, now, settings.Value.MaxCodeAttempts), token));
    }

    private static async Task<Results<Ok<ShareLinkPage>, ValidationProblem>> ListAsync(ContentDbContext db, IOptions<SharingSettings> settings, TimeProvider time,
        CancellationToken ct, Guid? documentId = null, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var links = db.ShareLinks.AsNoTracking();
        if (documentId is { } document)
        {
            links = links.Where(l => l.DocumentId == document);
        }
        var total = await links.CountAsync(ct);
        var items = await links.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new ShareLinkPage([.. items.Select(l => ShareLinkView.From(l, now, settings.Value.MaxCodeAttempts))], page, pageSize, total));
    }

    private static async Task<Results<Ok<ShareLinkDetails>, NotFound>> GetAsync(Guid id, ContentDbContext db, IOptions<SharingSettings> settings, TimeProvider time,
        CancellationToken ct)
    {
        var link = await db.ShareLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        if (link is null)
        {
            return TypedResults.NotFound();
        }
        var uses = await db.ShareLinkUses.AsNoTracking().Where(u => u.LinkId == id).OrderBy(u => u.At).ThenBy(u => u.Id)
            .Select(u => new ShareLinkUseView(u.At, u.Outcome, u.RemoteAddress, u.UserAgent)).ToArrayAsync(ct);
        return TypedResults.Ok(new ShareLinkDetails(ShareLinkView.From(link, time.GetUtcNow(), settings.Value.MaxCodeAttempts), uses));
    }

    /// <summary>The record of a share link made, opened or revoked (the token never: it is a secret).</summary>
    public static PhiAccess Recorded(ShareLink link, string action, Guid? patientId) =>
        new(action, "DocumentReference", link.DocumentId.ToString(), patientId is { } p ? [p] : [], Detail: $"share link {link.Id}");

    private static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, ContentDbContext db, PhiAccessAudit audit, CurrentCaller caller, TimeProvider time,
        CancellationToken ct)
    {
        var link = await db.ShareLinks.SingleOrDefaultAsync(l => l.Id == id, ct);
        if (link is null)
        {
            return TypedResults.NotFound();
        }
        if (link.RevokedAt is null)
        {
            link.RevokedAt = time.GetUtcNow();
            link.RevokedBy = caller.UserId;
            var patientId = await db.Documents.IgnoreQueryFilters([Documents.Document.NotDeletedFilter]).Where(d => d.Id == link.DocumentId)
                .Select(d => d.PatientId).SingleOrDefaultAsync(ct);
            await audit.SaveWithRecordAsync(db, Recorded(link, PhiActions.Revoke, patientId), ct);
        }
        return TypedResults.NoContent();
    }
}
