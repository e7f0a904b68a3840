using System.Security.Claims;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Sessions;

/// <summary>
/// Starts sessions (each with an authorization of its own at the token server, so its refresh tokens can be
/// revoked together), keeps their last-seen time, and ends them.
/// </summary>
public sealed class UserSessions(IdentityServiceDbContext db, IOpenIddictAuthorizationManager authorizations,
    IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens)
{
    /// <summary>Records a new session for <paramref name="principal"/> (whose <c>sid</c> is the session id) and ties its tokens to it.</summary>
    public async Task StartAsync(ClaimsPrincipal principal, Guid userId, Guid organizationId, string clientId, HttpContext http, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct) ?? throw new InvalidOperationException($"Unknown client '{clientId}'.");
        var authorization = await authorizations.CreateAsync(principal, userId.ToString(), (await applications.GetIdAsync(application, ct))!,
            AuthorizationTypes.AdHoc, principal.GetScopes(), ct);
        var authorizationId = (await authorizations.GetIdAsync(authorization, ct))!;
        principal.SetAuthorizationId(authorizationId);

        db.Add(new UserSession
        {
            Id = Guid.Parse(principal.GetClaim(ClaimNames.Session)!),
            UserId = userId,
            OrganizationId = organizationId,
            AuthorizationId = authorizationId,
            ClientId = clientId,
            Device = Truncate(http.Request.Headers.UserAgent.ToString(), 300),
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>How stale a session's last-seen time may get before a refresh moves it: the session list does not need finer.</summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True when the session exists and was not revoked. Its last-seen time (and the organization it is in) moves on
    /// when it is older than <see cref="LastSeenResolution"/> (or the organization changed), so frequent refreshes read
    /// the row instead of writing a new version of it each time. One statement either way.
    /// </summary>
    public async Task<bool> TouchAsync(string? sessionId, Guid organizationId, CancellationToken ct)
    {
        if (!Guid.TryParse(sessionId, out var id))
        {
            return false;
        }
        var now = DateTimeOffset.UtcNow;
        var staleBefore = now - LastSeenResolution;
        // Not composed (ToListAsync, not SingleAsync): Postgres only allows a data-modifying WITH at the top level.
        var active = await db.Database.SqlQuery<bool>($"""
            WITH touched AS (
                UPDATE sessions SET last_seen_at = {now}, organization_id = {organizationId}
                WHERE id = {id} AND revoked_at IS NULL AND (last_seen_at < {staleBefore} OR organization_id <> {organizationId})
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM touched) OR EXISTS (SELECT 1 FROM sessions WHERE id = {id} AND revoked_at IS NULL) AS "Value"
            """).ToListAsync(ct);
        return active.Single();
    }

    public Task<List<UserSession>> ActiveAsync(Guid userId, CancellationToken ct) =>
        db.Set<UserSession>().AsNoTracking().Where(s => s.UserId == userId && s.RevokedAt == null).OrderByDescending(s => s.LastSeenAt).ToListAsync(ct);

    /// <summary>Ends one of the user's sessions; false when the user has no such active session.</summary>
    public async Task<bool> RevokeAsync(Guid userId, Guid sessionId, CancellationToken ct)
    {
        var session = await db.Set<UserSession>().SingleOrDefaultAsync(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null, ct);
        if (session is null)
        {
            return false;
        }
        await EndAsync([session], ct);
        return true;
    }

    /// <summary>Ends every active session of the user but <paramref name="keep"/>; returns how many ended.</summary>
    public async Task<int> RevokeAllAsync(Guid userId, string? keep, CancellationToken ct)
    {
        var kept = Guid.TryParse(keep, out var id) ? id : Guid.Empty;
        var sessions = await db.Set<UserSession>().Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != kept).ToListAsync(ct);
        await EndAsync(sessions, ct);
        return sessions.Count;
    }

    /// <summary>Ends the user's active sessions in one organization (when their membership there ends).</summary>
    public async Task<int> RevokeInOrganizationAsync(Guid userId, Guid organizationId, CancellationToken ct)
    {
        var sessions = await db.Set<UserSession>().Where(s => s.UserId == userId && s.OrganizationId == organizationId && s.RevokedAt == null).ToListAsync(ct);
        await EndAsync(sessions, ct);
        return sessions.Count;
    }

    /// <summary>Ends the active session whose tokens belong to <paramref name="authorizationId"/> (its refresh token was replayed); null when there is none.</summary>
    public async Task<UserSession?> EndByAuthorizationAsync(string authorizationId, CancellationToken ct)
    {
        var session = await db.Set<UserSession>().SingleOrDefaultAsync(s => s.AuthorizationId == authorizationId && s.RevokedAt == null, ct);
        if (session is not null)
        {
            await EndAsync([session], ct);
        }
        return session;
    }

    private async Task EndAsync(List<UserSession> sessions, CancellationToken ct)
    {
        foreach (var session in sessions)
        {
            session.RevokedAt = DateTimeOffset.UtcNow;
            if (await authorizations.FindByIdAsync(session.AuthorizationId, ct) is { } authorization)
            {
                await authorizations.TryRevokeAsync(authorization, ct);
            }
            await tokens.RevokeByAuthorizationIdAsync(session.AuthorizationId, ct);
        }
        await db.SaveChangesAsync(ct);
    }

    private static string? Truncate(string? value, int length) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= length ? value : value[..length];
}
