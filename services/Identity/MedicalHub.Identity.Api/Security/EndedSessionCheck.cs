using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace MedicalHub.Identity.Api.Security;

/// <summary>
/// Identity's own API refuses the access tokens of an ended session at once, as the gateway and the other services do
/// within seconds (they poll <c>/api/internal/session-revocations</c>). Identity reads its own <c>sessions</c> table; an
/// active session is remembered for a second, an ended one for as long as its tokens could live.
/// </summary>
public sealed class EndedSessionCheck(RequestDelegate next, IMemoryCache cache)
{
    private static readonly TimeSpan ActiveFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EndedFor = TimeSpan.FromMinutes(10);

    public async Task InvokeAsync(HttpContext http, IdentityServiceDbContext db, IProblemDetailsService problems)
    {
        if (http.User.Identity?.IsAuthenticated == true
            && Guid.TryParse(http.User.FindFirst(PrincipalFactory.SessionClaim)?.Value, out var sessionId)
            && await HasEndedAsync(db, sessionId, http.RequestAborted))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The session has ended.\"";
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = "The session of this token has ended: log in again." },
            });
            return;
        }
        await next(http);
    }

    private async Task<bool> HasEndedAsync(IdentityServiceDbContext db, Guid sessionId, CancellationToken ct)
    {
        var key = (nameof(EndedSessionCheck), sessionId);
        if (cache.TryGetValue(key, out bool ended))
        {
            return ended;
        }
        ended = await db.Sessions.AsNoTracking().AnyAsync(s => s.Id == sessionId && s.RevokedAt != null, ct);
        cache.Set(key, ended, ended ? EndedFor : ActiveFor);
        return ended;
    }
}
