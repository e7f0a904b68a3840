using System.Security.Claims;
using MedicalHub.Identity.Api.SignIn;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>The token server's answers; OpenIddict writes them in the OAuth 2.0 / OpenID Connect shapes.</summary>
public static class OAuthResults
{
    public const string InvalidCredentialsMessage = "The e-mail address or password is incorrect.";
    public const string NoMembershipMessage = "The account has no active membership in the requested organization.";
    public const string NoMembershipAnyMoreMessage = "The account has no active membership in the organization any more.";

    /// <summary>Tokens for <paramref name="principal"/>.</summary>
    public static IResult SignIn(ClaimsPrincipal principal) =>
        Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    public static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>Unknown account, wrong password and locked account answer alike: no account enumeration.</summary>
    public static IResult InvalidCredentials() => Forbid(Errors.InvalidGrant, InvalidCredentialsMessage);

    /// <summary>400 <c>{"error":"mfa_required","mfa_token":"..."}</c>: the password was right; now the second factor.</summary>
    public static IResult MfaRequired(string mfaToken) =>
        Results.Forbid(new AuthenticationProperties(
            new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = "mfa_required",
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "A second factor is required: send the code with the mfa-otp grant.",
            },
            new Dictionary<string, object?> { [TokenParameters.MfaToken] = mfaToken }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>A grant's answer to how its sign-in ended (<see cref="SignInCompletion"/>).</summary>
    public static IResult For(SignInOutcome outcome, string noMembership = NoMembershipMessage) => outcome switch
    {
        SignInOutcome.TokensReady ready => SignIn(ready.Principal),
        SignInOutcome.SecondFactorRequired second => MfaRequired(second.MfaToken),
        SignInOutcome.SessionEnded => Forbid(Errors.InvalidGrant, "The session has ended: log in again."),
        SignInOutcome.NoMembership => Forbid(Errors.InvalidGrant, noMembership),
        _ => throw new InvalidOperationException($"A grant cannot answer {outcome}."),
    };
}
