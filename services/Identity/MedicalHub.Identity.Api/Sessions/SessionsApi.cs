using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalHub.Identity.Api.Sessions;

/// <summary>The user's own sessions: where they are logged in, and ending one or all others.</summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/account/sessions").WithTags("Account security").RequireAuthorization();
        sessions.MapGet("/", ListAsync).WithName("ListSessions")
            .WithSummary("Active sessions: device, IP address, created, last seen, and which one is this");
        sessions.MapDelete("/{sessionId:guid}", RevokeAsync).WithName("RevokeSession")
            .WithSummary("End one session: its refresh tokens stop working at once");
        sessions.MapPost("/revoke-others", RevokeOthersAsync).WithName("RevokeOtherSessions")
            .WithSummary("End every session but this one");
        return app;
    }

    public sealed record SessionView(Guid Id, string? Device, string? IpAddress, string? ClientId, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, bool Current);

    public sealed record Revoked(int Count);

    private static async Task<Ok<SessionView[]>> ListAsync(ClaimsPrincipal principal, UserSessions sessions, CancellationToken ct)
    {
        var current = principal.FindFirstValue(ClaimNames.Session);
        var active = await sessions.ActiveAsync(principal.UserId(), ct);
        return TypedResults.Ok(active.Select(s => new SessionView(s.Id, s.Device, s.IpAddress, s.ClientId, s.CreatedAt, s.LastSeenAt, s.Id.ToString() == current)).ToArray());
    }

    private static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid sessionId, ClaimsPrincipal principal, UserSessions sessions, IAuditTrail audit, CancellationToken ct)
    {
        if (!await sessions.RevokeAsync(principal.UserId(), sessionId, ct))
        {
            return TypedResults.NotFound(); // not one of the caller's active sessions
        }
        await audit.RecordAsync(new(AuditActions.SessionRevoked, AuditOutcomes.Success, principal.OrganizationId(), principal.UserId(), Reason: sessionId.ToString()), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Revoked>> RevokeOthersAsync(ClaimsPrincipal principal, UserSessions sessions, IAuditTrail audit, CancellationToken ct)
    {
        var count = await sessions.RevokeAllAsync(principal.UserId(), principal.FindFirstValue(ClaimNames.Session), ct);
        await audit.RecordAsync(new(AuditActions.SessionRevoked, AuditOutcomes.Success, principal.OrganizationId(), principal.UserId(), Reason: $"all others ({count})"), ct);
        return TypedResults.Ok(new Revoked(count));
    }

}
