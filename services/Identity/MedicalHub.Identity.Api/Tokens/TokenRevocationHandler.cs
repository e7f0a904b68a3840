using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Sessions;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// <c>/connect/revoke</c>, after OpenIddict has revoked the token: revoking a refresh token is an app's logout, so the
/// session it belongs to ends (its access tokens are then refused everywhere, RFC 7009 §2.1); every revocation is
/// audited as <see cref="AuditActions.TokenRevoked"/>.
/// </summary>
public sealed class TokenRevocationHandler(UserSessions sessions, IAuditTrail audit) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
        .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
        .UseScopedHandler<TokenRevocationHandler>()
        .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.IsRejected || context.GenericTokenPrincipal is not { } principal)
        {
            return;
        }
        var isRefreshToken = principal.HasTokenType(TokenTypeIdentifiers.RefreshToken);
        var session = isRefreshToken && principal.GetAuthorizationId() is { } authorizationId
            ? await sessions.EndByAuthorizationAsync(authorizationId, CancellationToken.None)
            : null;
        var userId = Guid.TryParse(principal.GetClaim(Claims.Subject), out var subject) ? subject : (Guid?)null;
        await audit.RecordAsync(new(AuditActions.TokenRevoked, AuditOutcomes.Success, session?.OrganizationId ?? principal.OrganizationId(), userId,
            Reason: session is null
                ? (isRefreshToken ? "refresh token revoked" : "access token revoked")
                : $"refresh token revoked: session {session.Id} ended",
            ClientId: context.Request.ClientId), CancellationToken.None);
    }
}
