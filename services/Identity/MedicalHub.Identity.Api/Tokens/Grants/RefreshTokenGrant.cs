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
/// <c>grant_type=refresh_token</c>, where refresh tokens are rotated: OpenIddict has validated the presented token and
/// marks it redeemed, and every refresh answers a new one (rolling refresh tokens) with a new access token, built here
/// from the account as it is now (roles, permissions, MFA policy) in the session's organization, or the
/// <c>organization_id</c> asked for. A redeemed token presented again after the leeway is a replay:
/// <see cref="RefreshTokenReuseHandler"/> ends the session. A session that has ended refreshes no more.
/// </summary>
public sealed class RefreshTokenGrant(UserManager<User> users, IMembershipDirectory memberships, SignInCompletion completion) : ITokenGrant
{
    public async Task<IResult> ExchangeAsync(OpenIddictRequest request, HttpContext http, CancellationToken ct)
    {
        var previous = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        // The user, their memberships, roles and the MFA policy in one query.
        var found = Guid.TryParse(previous?.GetClaim(Claims.Subject), out var subject) ? await memberships.UserWithActiveAsync(subject, ct) : null;
        if (previous is null || found is not var (user, active) || await users.IsLockedOutAsync(user))
        {
            return OAuthResults.Forbid(Errors.InvalidGrant, "The refresh token is no longer valid.");
        }
        // A refresh may switch organizations; otherwise it keeps the one the session chose.
        var organization = (string?)request[TokenParameters.OrganizationId] ?? previous.GetClaim(ClaimNames.Organization);
        return OAuthResults.For(await completion.ContinueSessionAsync(user, active, previous, organization, ct), OAuthResults.NoMembershipAnyMoreMessage);
    }
}
