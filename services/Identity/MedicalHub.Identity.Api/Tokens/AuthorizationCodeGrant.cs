using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// The token endpoint's <c>authorization_code</c> grant. OpenIddict has already checked the code (not used
/// before, not expired, its authorization still valid), the client, the <c>redirect_uri</c> and the PKCE
/// verifier. The code carries the login's user, organization, session and methods; the tokens are built
/// from the current account, like every other grant's.
/// </summary>
internal static class AuthorizationCodeGrant
{
    public static async Task<IResult> ExchangeAsync(HttpContext http, UserManager<User> users, PrincipalFactory principals, UserSessions sessions, CancellationToken ct)
    {
        var granted = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var user = granted?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
        if (granted is null || user is null || !user.EmailConfirmed || await users.IsLockedOutAsync(user))
        {
            return TokenApi.Forbid(Errors.InvalidGrant, "The authorization code is no longer valid.");
        }

        var membership = await TokenApi.ChooseMembershipAsync(principals, user.Id, granted.GetClaim(PrincipalFactory.OrganizationClaim), ct);
        if (membership is null)
        {
            return TokenApi.Forbid(Errors.InvalidGrant, "The account has no active membership in the organization any more.");
        }

        var sessionId = granted.GetClaim(PrincipalFactory.SessionClaim);
        if (!await sessions.TouchAsync(sessionId, membership.OrganizationId, ct))
        {
            return TokenApi.Forbid(Errors.InvalidGrant, "The session has ended: log in again.");
        }

        var principal = await principals.CreateAsync(user, membership, sessionId!, granted.GetClaims(PrincipalFactory.AuthenticationMethodClaim),
            granted.GetScopes(), ct);
        principal.SetAuthorizationId(granted.GetAuthorizationId());
        SetAuthenticationTime(principal, granted.GetClaim(Claims.AuthenticationTime));
        return TokenApi.SignIn(principal);
    }

    /// <summary>When the user entered the password (Unix seconds): the identity token's <c>auth_time</c>, which <c>max_age</c> relies on.</summary>
    public static void SetAuthenticationTime(ClaimsPrincipal principal, string? unixSeconds)
    {
        if (unixSeconds is null)
        {
            return;
        }
        var claim = new Claim(Claims.AuthenticationTime, unixSeconds, ClaimValueTypes.Integer64);
        claim.SetDestinations(Destinations.IdentityToken);
        ((ClaimsIdentity)principal.Identity!).AddClaim(claim);
    }
}
