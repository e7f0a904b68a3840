using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// What a grant issues and stores, chosen for the cost per grant (docs/benchmarks.md, Identity):
/// <list type="bullet">
/// <item>Token entries (rows of <c>OpenIddictTokens</c>) only for the tokens whose state matters: refresh tokens
/// (rotation, redemption, reuse detection, revocation) and authorization codes (one use). Access and identity
/// tokens are self-contained JWTs whose entry nobody reads: the services refuse the access tokens of an ended
/// session through the session revocation list, not through the entry, so an entry per access token was one
/// <c>INSERT</c> per grant for nothing.</item>
/// <item>No identity token on a refresh (OpenID Connect Core 1.0 §12.2: the refresh response "might not contain an
/// id_token"): the client keeps the one of its login, which still names the session for <c>id_token_hint</c>.</item>
/// </list>
/// </summary>
public static class TokenIssuancePolicy
{
    public static OpenIddictServerBuilder AddTokenIssuancePolicy(this OpenIddictServerBuilder server) => server
        .AddEventHandler(StoreStatefulTokensOnly.Descriptor)
        .AddEventHandler(NoIdentityTokenOnRefresh.Descriptor)
        .AddEventHandler(IntrospectionOfEndedSessions.Descriptor);

    /// <summary>Skips the token entry of access and identity tokens (see <see cref="TokenIssuancePolicy"/>).</summary>
    public sealed class StoreStatefulTokensOnly : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<StoreStatefulTokensOnly>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

        public ValueTask HandleAsync(GenerateTokenContext context)
        {
            if (!context.IsReferenceToken && context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)
            {
                context.CreateTokenEntry = false;
            }
            return default;
        }
    }

    /// <summary>A refresh grant answers with an access token and the rotated refresh token, without an identity token.</summary>
    public sealed class NoIdentityTokenOnRefresh : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<NoIdentityTokenOnRefresh>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

        public ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType is OpenIddictServerEndpointType.Token && context.Request?.IsRefreshTokenGrantType() == true)
            {
                context.GenerateIdentityToken = false;
                context.IncludeIdentityToken = false;
            }
            return default;
        }
    }
}
