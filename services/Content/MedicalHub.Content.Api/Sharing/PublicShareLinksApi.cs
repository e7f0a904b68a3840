using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// Opening a share link, without an account: the token in <c>X-Share-Token</c> (a header, so it never lands in an access
/// log or a trace as part of a URL), the access code, if the link has one, in <c>X-Access-Code</c>. Every use, allowed or
/// refused, is recorded. A revoked, expired, used-up or locked link answers 410 and a wrong code 403; nothing is changed
/// but the record of the attempt (and the count of wrong codes).
/// </summary>
public static class PublicShareLinksApi
{
    public const string TokenHeader = "X-Share-Token";
    public const string CodeHeader = "X-Access-Code";

    public static IEndpointRouteBuilder MapPublicShareLinksApi(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/api/public/share-links").WithTags("Sharing (public)").AllowAnonymous();
        links.MapGet("/document", DescribeAsync).WithName("OpenShareLink")
            .WithSummary("What a share link opens (X-Share-Token, and X-Access-Code when the link has one)");
        links.MapGet("/document/content", DownloadAsync).WithName("DownloadThroughShareLink")
            .WithSummary("The shared document's bytes (a one-time link is used up by this call)")
            .Produces(StatusCodes.Status206PartialContent).Produces(StatusCodes.Status304NotModified);
        return app;
    }

    public sealed record SharedDocumentView(string Title, string MediaType, long SizeBytes, string? FileName, DateTimeOffset ExpiresAt, bool OneTime);

    private static async Task<Results<Ok<SharedDocumentView>, ProblemHttpResult>> DescribeAsync(ShareLinkOpener opener, PhiAccessAudit audit, HttpContext http,
        CancellationToken ct)
    {
        var outcome = await opener.OpenAsync(http, download: false, ct);
        if (outcome is ShareLinkOpener.Refused refused)
        {
            return TypedResults.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Detail);
        }
        var (link, document) = (ShareLinkOpener.Opened)outcome;
        await audit.RecordAsync(ShareLinksApi.Recorded(link, PhiActions.Read, document.PatientId), ct);
        return TypedResults.Ok(new SharedDocumentView(document.Title, document.MediaType, document.SizeBytes, document.FileName, link.ExpiresAt, link.OneTime));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(ShareLinkOpener opener, ContentDbContext db, ObjectStores stores,
        PhiAccessAudit audit, HttpContext http, CancellationToken ct)
    {
        var outcome = await opener.OpenAsync(http, download: true, ct);
        if (outcome is ShareLinkOpener.Refused refused)
        {
            return TypedResults.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Detail);
        }
        var (link, document) = (ShareLinkOpener.Opened)outcome;
        var version = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == document.Id && v.Number == document.CurrentVersion, ct);
        var stored = await db.StoredObjects.AsNoTracking().SingleAsync(o => o.Key == version.StoredObjectKey, ct);
        await audit.RecordAsync(ShareLinksApi.Recorded(link, PhiActions.Download, document.PatientId) with { Detail = $"share link {link.Id}, version {version.Number}" }, ct);
        return DocumentContent.Serve(http, stores, stored, version, document.Id, disposition: null);
    }
}

/// <summary>Checks a share link's token, state and access code, records the use, and acts for the link's organization.</summary>
public sealed class ShareLinkOpener(ContentDbContext db, OrganizationScope organization, IOptions<SharingSettings> settings, TimeProvider time)
{
    public abstract record Outcome;

    public sealed record Opened(ShareLink Link, Document Document) : Outcome;

    public sealed record Refused(int Status, string Title, string Detail) : Outcome;

    public async Task<Outcome> OpenAsync(HttpContext http, bool download, CancellationToken ct)
    {
        var token = http.Request.Headers[PublicShareLinksApi.TokenHeader].ToString();
        if (token.Length is 0 or > 128)
        {
            return new Refused(StatusCodes.Status401Unauthorized, "A share link token is required.", $"Send the link's token in {PublicShareLinksApi.TokenHeader}.");
        }
        var hash = ShareLinkSecrets.HashToken(token);
        var link = await db.ShareLinks.AcrossOrganizations().SingleOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null)
        {
            return new Refused(StatusCodes.Status404NotFound, "No such share link.", "The token does not open anything.");
        }
        organization.ActFor(link.OrganizationId);

        var now = time.GetUtcNow();
        var maxAttempts = settings.Value.MaxCodeAttempts;
        var closed = link.RevokedAt is not null ? ShareLinkOutcomes.Revoked
            : link.ExpiresAt <= now ? ShareLinkOutcomes.Expired
            : link.FailedCodeAttempts >= maxAttempts ? ShareLinkOutcomes.Locked
            : link.OneTime && link.UsedAt is not null ? ShareLinkOutcomes.AlreadyUsed
            : null;
        if (closed is not null)
        {
            await RecordAsync(link, closed, http, ct);
            return Gone(closed);
        }

        if (link.AccessCodeHash is { } codeHash)
        {
            var code = http.Request.Headers[PublicShareLinksApi.CodeHeader].ToString();
            if (code.Length == 0)
            {
                return new Refused(StatusCodes.Status401Unauthorized, "This link needs its access code.", $"Send the code in {PublicShareLinksApi.CodeHeader}.");
            }
            if (code.Length > 64 || !ShareLinkSecrets.CodeMatches(code, codeHash, link.AccessCodeSalt!))
            {
                await db.ShareLinks.Where(l => l.Id == link.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.FailedCodeAttempts, l => l.FailedCodeAttempts + 1), ct);
                await RecordAsync(link, ShareLinkOutcomes.WrongCode, http, ct);
                return link.FailedCodeAttempts + 1 >= maxAttempts
                    ? Gone(ShareLinkOutcomes.Locked)
                    : new Refused(StatusCodes.Status403Forbidden, "Wrong access code.", $"After {maxAttempts} wrong codes the link closes for good.");
            }
        }

        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == link.DocumentId, ct);
        if (document is null)
        {
            return new Refused(StatusCodes.Status410Gone, "The shared document is no longer available.", "It was deleted.");
        }
        if (download && link.OneTime)
        {
            // Used up by exactly one download, even when two race for it.
            var claimed = await db.ShareLinks.Where(l => l.Id == link.Id && l.UsedAt == null && l.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
            if (claimed == 0)
            {
                await RecordAsync(link, ShareLinkOutcomes.AlreadyUsed, http, ct);
                return Gone(ShareLinkOutcomes.AlreadyUsed);
            }
        }
        await RecordAsync(link, download ? ShareLinkOutcomes.Downloaded : ShareLinkOutcomes.Viewed, http, ct);
        return new Opened(link, document);
    }

    private static Refused Gone(string why) => new(StatusCodes.Status410Gone, "This share link no longer works.", why switch
    {
        ShareLinkOutcomes.Revoked => "It was revoked.",
        ShareLinkOutcomes.Expired => "It has expired.",
        ShareLinkOutcomes.Locked => "Too many wrong access codes were tried.",
        _ => "It could be used once, and has been.",
    });

    private async Task RecordAsync(ShareLink link, string outcome, HttpContext http, CancellationToken ct)
    {
        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString().Split(',', 2)[0].Trim();
        var userAgent = http.Request.Headers.UserAgent.ToString();
        db.ShareLinkUses.Add(new ShareLinkUse
        {
            LinkId = link.Id,
            At = time.GetUtcNow(),
            Outcome = outcome,
            RemoteAddress = Truncate(forwarded.Length > 0 ? forwarded : http.Connection.RemoteIpAddress?.ToString(), 64),
            UserAgent = Truncate(userAgent.Length > 0 ? userAgent : null, 300),
        });
        await db.SaveChangesAsync(ct);
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
