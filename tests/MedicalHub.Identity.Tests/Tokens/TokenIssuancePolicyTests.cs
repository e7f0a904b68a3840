using MedicalHub.Identity.Api.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MedicalHub.Identity.Tests.Tokens;

/// <summary>
/// What a grant issues and stores (<see cref="TokenIssuancePolicy"/>): token entries only for the tokens whose state
/// matters, and no identity token on a refresh. The handlers run on OpenIddict's own contexts, and their place in
/// OpenIddict's pipeline is part of the rule.
/// </summary>
public sealed class TokenIssuancePolicyTests
{
    private static OpenIddictServerTransaction Transaction(OpenIddictServerEndpointType endpoint, string? grantType) => new()
    {
        EndpointType = endpoint,
        Options = new OpenIddictServerOptions(),
        Request = new OpenIddictRequest { GrantType = grantType },
    };

    [Theory]
    [InlineData(TokenTypeIdentifiers.AccessToken, false, false)]
    [InlineData(TokenTypeIdentifiers.IdentityToken, false, false)]
    [InlineData(TokenTypeIdentifiers.RefreshToken, false, true)]
    [InlineData(TokenTypeIdentifiers.Private.AuthorizationCode, false, true)]
    [InlineData(TokenTypeIdentifiers.AccessToken, true, true)] // a reference token is its entry
    public async Task Only_refresh_tokens_codes_and_reference_tokens_get_a_token_entry(string tokenType, bool reference, bool stored)
    {
        var context = new GenerateTokenContext(Transaction(OpenIddictServerEndpointType.Token, GrantTypes.Password))
        {
            TokenType = tokenType,
            IsReferenceToken = reference,
            CreateTokenEntry = true,
        };

        await new TokenIssuancePolicy.StoreStatefulTokensOnly().HandleAsync(context);

        Assert.Equal(stored, context.CreateTokenEntry);
    }

    [Fact]
    public void The_entry_is_skipped_before_OpenIddict_creates_it()
    {
        Assert.True(TokenIssuancePolicy.StoreStatefulTokensOnly.Descriptor.Order < OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order);
    }

    [Theory]
    [InlineData(GrantTypes.RefreshToken, false)]
    [InlineData(GrantTypes.Password, true)]
    [InlineData(GrantTypes.AuthorizationCode, true)]
    public async Task A_refresh_answers_without_an_identity_token_every_other_grant_with_one(string grantType, bool identityToken)
    {
        var context = new ProcessSignInContext(Transaction(OpenIddictServerEndpointType.Token, grantType))
        {
            GenerateIdentityToken = true,
            IncludeIdentityToken = true,
        };

        await new TokenIssuancePolicy.NoIdentityTokenOnRefresh().HandleAsync(context);

        Assert.Equal(identityToken, context.GenerateIdentityToken);
        Assert.Equal(identityToken, context.IncludeIdentityToken);
    }

    [Fact]
    public void The_identity_token_is_dropped_after_OpenIddict_decided_which_tokens_to_issue()
    {
        Assert.True(TokenIssuancePolicy.NoIdentityTokenOnRefresh.Descriptor.Order > OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order);
    }
}
