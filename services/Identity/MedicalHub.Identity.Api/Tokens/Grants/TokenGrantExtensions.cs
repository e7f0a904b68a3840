using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens.Grants;

public static class TokenGrantExtensions
{
    /// <summary>The token endpoint's grants, each under its <c>grant_type</c>: a request builds only the grant it asks for.</summary>
    public static IServiceCollection AddTokenGrants(this IServiceCollection services) => services
        .AddKeyedScoped<ITokenGrant, PasswordGrant>(GrantTypes.Password)
        .AddKeyedScoped<ITokenGrant, MfaOtpGrant>(TokenParameters.MfaOtpGrantType)
        .AddKeyedScoped<ITokenGrant, AuthorizationCodeGrant>(GrantTypes.AuthorizationCode)
        .AddKeyedScoped<ITokenGrant, RefreshTokenGrant>(GrantTypes.RefreshToken)
        .AddKeyedScoped<ITokenGrant, ClientCredentialsGrant>(GrantTypes.ClientCredentials);
}
