using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Mvc;

namespace MedicalHub.Identity.Api.Sessions;

/// <summary>
/// Identity's own API refuses the access tokens of an ended session at once, as the gateway and the other services do
/// within seconds (they poll <c>/api/internal/session-revocations</c>).
/// </summary>
public sealed class EndedSessionCheck(RequestDelegate next, EndedSessions endedSessions)
{
    public async Task InvokeAsync(HttpContext http, IdentityServiceDbContext db, IProblemDetailsService problems)
    {
        if (http.User.Identity?.IsAuthenticated == true
            && Guid.TryParse(http.User.FindFirst(ClaimNames.Session)?.Value, out var sessionId)
            && await endedSessions.HasEndedAsync(db, sessionId, http.RequestAborted))
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
}
