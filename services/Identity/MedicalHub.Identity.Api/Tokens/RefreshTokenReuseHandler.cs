using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Sessions;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// A refresh token that was already exchanged (rotated), presented again after the reuse leeway, means a
/// copy of it is in someone else's hands. OpenIddict's own <c>ValidateTokenEntry</c> then revokes every token
/// of the authorization and rejects the request (ID2012); this handler runs just before it, on the same
/// condition, and also ends the session the authorization belongs to (so it leaves the session list and its
/// authorization is revoked) and records <see cref="AuditActions.RefreshTokenReused"/>. It has to run before:
/// once a context is rejected, OpenIddict runs no further handlers for it.
/// </summary>
public sealed class RefreshTokenReuseHandler(IOpenIddictTokenManager tokens, UserSessions sessions, IAuditTrail audit)
    : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
        .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
        .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
        .AddFilter<OpenIddictServerHandlerFilters.RequireTokenIdResolved>()
        .UseScopedHandler<RefreshTokenReuseHandler>()
        .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is not { } principal || !principal.HasTokenType(TokenTypeIdentifiers.RefreshToken) ||
            await tokens.FindByIdAsync(context.TokenId!) is not { } token ||
            !await tokens.HasStatusAsync(token, Statuses.Redeemed) ||
            await IsWithinLeewayAsync(context, token))
        {
            return;
        }

        var session = context.AuthorizationId is { } authorizationId ? await sessions.EndByAuthorizationAsync(authorizationId, CancellationToken.None) : null;
        var userId = session?.UserId ?? (Guid.TryParse(principal.GetClaim(Claims.Subject), out var subject) ? subject : null);
        var organizationId = session?.OrganizationId ?? principal.OrganizationId();
        await audit.RecordAsync(new(AuditActions.RefreshTokenReused, AuditOutcomes.Failure, organizationId, SubjectUserId: userId,
            Reason: session is null
                ? "a rotated refresh token was presented again: its tokens are revoked"
                : $"a rotated refresh token was presented again: session {session.Id} ended and its tokens revoked",
            ClientId: context.Request?.ClientId ?? principal.GetPresenters().FirstOrDefault()), CancellationToken.None);
    }

    /// <summary>
    /// Whether presenting a refresh token again that was redeemed (rotated) at <paramref name="redeemedAt"/> is a replay:
    /// the same test as OpenIddict's. Within the leeway after its redemption it may be used again (a lost answer, two
    /// tabs refreshing at once); without a leeway, never; with no redemption date known, it gets the benefit of the leeway.
    /// </summary>
    public static bool IsReplay(DateTimeOffset? redeemedAt, TimeSpan? leeway, DateTimeOffset now) =>
        leeway is not { } allowed || (redeemedAt is { } redeemed && now >= redeemed + allowed);

    private async ValueTask<bool> IsWithinLeewayAsync(ValidateTokenContext context, object token) =>
        !IsReplay(await tokens.GetRedemptionDateAsync(token), context.Options.RefreshTokenReuseLeeway, context.Options.TimeProvider.GetUtcNow());
}
