using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Security.Claims;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// <c>/connect/introspect</c> answers <c>{"active": false}</c> for a token whose session has ended. Access tokens have no
/// token entry (<see cref="TokenIssuancePolicy"/>), so without this check introspection would judge them by signature
/// and lifetime alone and call a logged-out user's token active until it expires.
/// </summary>
public sealed class IntrospectionOfEndedSessions(IdentityServiceDbContext db, EndedSessions endedSessions)
    : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
        .UseScopedHandler<IntrospectionOfEndedSessions>()
        .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 1_000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
    {
        if (Guid.TryParse(context.GenericTokenPrincipal?.FindFirst(ClaimNames.Session)?.Value, out var sessionId)
            && await endedSessions.HasEndedAsync(db, sessionId, context.CancellationToken, current: true))
        {
            // NormalizeErrorResponse turns this into the RFC 7662 "active": false answer.
            context.Reject(error: Errors.InvalidToken, description: "The session of this token has ended.");
        }
    }
}
