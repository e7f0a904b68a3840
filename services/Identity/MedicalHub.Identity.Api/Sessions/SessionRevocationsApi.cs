using MedicalHub.Identity.Api.Clients;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Identity.Api.Sessions;

/// <summary>
/// The sessions ended recently, for the gateway and the services: they refuse the access tokens of these sessions
/// (claim <c>sid</c>) until the tokens would have expired anyway. The one Identity endpoint for service tokens.
/// </summary>
public static class SessionRevocationsApi
{
    public const string Path = "/api/internal/session-revocations";

    /// <summary>Past the access-token lifetime, a revoked session's tokens are refused by their expiry; this covers clock skew on top.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    public static IEndpointRouteBuilder MapSessionRevocationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ListAsync).WithName("ListSessionRevocations").WithTags("Internal")
            .WithSummary("Sessions ended within the last access-token lifetime: their tokens are to be refused (service clients only)")
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser()
                .RequireClaim(ClaimNames.ClientKind, ClientKinds.Service)
                .RequireClaim(ClaimNames.Permission, PermissionNames.SessionsReadRevocations));
        return app;
    }

    /// <summary>One ended session: refuse tokens with <c>sid</c> = <paramref name="SessionId"/> until <paramref name="RefuseUntil"/>.</summary>
    public sealed record Revocation(Guid SessionId, DateTimeOffset RevokedAt, DateTimeOffset RefuseUntil);

    /// <summary>The whole recent window at every read: a reader that missed a poll misses nothing.</summary>
    public sealed record Revocations(DateTimeOffset AsOf, Revocation[] Sessions);

    private static async Task<Ok<Revocations>> ListAsync(IdentityServiceDbContext db, IOptions<TokenServerSettings> settings, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var window = settings.Value.AccessTokenLifetime + ExpiryMargin;
        var since = now - window;
        var revoked = await db.Sessions.AsNoTracking()
            .Where(s => s.RevokedAt != null && s.RevokedAt > since)
            .Select(s => new { s.Id, RevokedAt = s.RevokedAt!.Value })
            .ToListAsync(ct);
        return TypedResults.Ok(new Revocations(now, [.. revoked.Select(s => new Revocation(s.Id, s.RevokedAt, s.RevokedAt + window))]));
    }
}
