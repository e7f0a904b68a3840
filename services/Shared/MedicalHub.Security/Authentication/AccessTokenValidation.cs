using MedicalHub.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace MedicalHub.Security.Authentication;

/// <summary>What makes an access token acceptable to a MedicalHub service, in one place (services and the gateway use it).</summary>
public static class AccessTokenValidation
{
    public const string AccessTokenType = "at+jwt";

    /// <summary>
    /// Issued by <see cref="AuthenticationSettings.Issuer"/> for <paramref name="audience"/>, not expired, ES256- or RS256-signed by
    /// one of Identity's keys (supplied by the JWKS configuration), and an access token (<c>typ</c> <c>at+jwt</c>).
    /// </summary>
    public static TokenValidationParameters Parameters(string audience, AuthenticationSettings settings) => Parameters([audience], settings);

    /// <summary>As <see cref="Parameters(string, AuthenticationSettings)"/>, for any one of <paramref name="audiences"/> (the gateway, in front of every service).</summary>
    public static TokenValidationParameters Parameters(IReadOnlyCollection<string> audiences, AuthenticationSettings settings) => new()
    {
        ValidIssuer = settings.Issuer?.ToString(),
        ValidateIssuer = true,
        ValidAudiences = audiences,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        // Identity signs with ES256 (RS256: keys of older releases, still published while their tokens live). Nothing
        // else: "alg: none" and HMAC tricks (signing with the public key as a shared secret) are refused.
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
        // Access tokens only: an ID token (typ JWT) is not a credential for an API.
        ValidTypes = [AccessTokenType, "application/" + AccessTokenType],
        ClockSkew = settings.ClockSkew,
        NameClaimType = ClaimNames.Name,
        RoleClaimType = ClaimNames.Role,
    };
}
