using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.SignIn;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens.Grants;

/// <summary>
/// <c>grant_type=authorization_code</c>. OpenIddict has already checked the code (not used before, not expired, its
/// authorization still valid), the client, the <c>redirect_uri</c> and the PKCE verifier. The code carries the login's
/// user, organization, session and methods; the session goes on in <see cref="SignInCompletion"/>, with tokens built
/// from the current account, like every other grant's.
/// </summary>
public sealed class AuthorizationCodeGrant(UserManager<User> users, IMembershipDirectory memberships, SignInCompletion completion) : ITokenGrant
{
    public async Task<IResult> ExchangeAsync(OpenIddictRequest request, HttpContext http, CancellationToken ct)
    {
        var granted = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var user = granted?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
        if (granted is null || user is null || !user.EmailConfirmed || await users.IsLockedOutAsync(user))
        {
            return OAuthResults.Forbid(Errors.InvalidGrant, "The authorization code is no longer valid.");
        }
        var outcome = await completion.ContinueSessionAsync(user, await memberships.ActiveAsync(user.Id, ct), granted,
            granted.GetClaim(ClaimNames.Organization), ct);
        return OAuthResults.For(outcome, OAuthResults.NoMembershipAnyMoreMessage);
    }
}
