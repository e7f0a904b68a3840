using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Model;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Apis;

/// <summary>
/// The token endpoint's grants that need the user store. OpenIddict has already validated the request
/// (client, grant type, scopes) before this runs; malformed requests never get here.
/// </summary>
public static class TokenApi
{
    public const string OrganizationParameter = "organization_id";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", ExchangeAsync)
            .ExcludeFromDescription(); // an OAuth 2.0 form endpoint, described by the discovery document
        return app;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http, UserManager<User> users, PrincipalFactory principals,
        IPasswordHasher<User> hasher, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        if (request.IsPasswordGrantType())
        {
            var user = await users.FindByEmailAsync(request.Username ?? "");
            if (user is null)
            {
                // Spend the time a real check takes, so the answer's timing does not reveal unknown accounts.
                hasher.VerifyHashedPassword(TimingDummy.User, TimingDummy.Hash, request.Password ?? "");
                return InvalidCredentials();
            }
            if (await users.IsLockedOutAsync(user))
            {
                hasher.VerifyHashedPassword(TimingDummy.User, TimingDummy.Hash, request.Password ?? "");
                return InvalidCredentials();
            }
            if (!await users.CheckPasswordAsync(user, request.Password ?? ""))
            {
                await users.AccessFailedAsync(user);
                return InvalidCredentials();
            }
            if (!user.EmailConfirmed)
            {
                return Forbid(Errors.InvalidGrant, "The e-mail address is not verified yet: follow the link in the verification e-mail.");
            }
            await users.ResetAccessFailedCountAsync(user);

            var membership = await ChooseMembershipAsync(principals, user.Id, (string?)request[OrganizationParameter], ct);
            if (membership is null)
            {
                return Forbid(Errors.InvalidGrant, "The account has no active membership in the requested organization.");
            }

            var principal = await principals.CreateAsync(user, membership, Guid.CreateVersion7().ToString(), ["pwd"], request.GetScopes(), ct);
            return SignIn(principal);
        }

        if (request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var previous = result.Principal;
            var user = previous?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
            if (previous is null || user is null || await users.IsLockedOutAsync(user))
            {
                return Forbid(Errors.InvalidGrant, "The refresh token is no longer valid.");
            }

            // A refresh may switch organizations; otherwise it keeps the one the session chose.
            var organization = (string?)request[OrganizationParameter] ?? previous.GetClaim(PrincipalFactory.OrganizationClaim);
            var membership = await ChooseMembershipAsync(principals, user.Id, organization, ct);
            if (membership is null)
            {
                return Forbid(Errors.InvalidGrant, "The account has no active membership in the organization any more.");
            }

            var principal = await principals.CreateAsync(user, membership, previous.GetClaim(PrincipalFactory.SessionClaim) ?? Guid.CreateVersion7().ToString(),
                previous.GetClaims(PrincipalFactory.AuthenticationMethodClaim), previous.GetScopes(), ct);
            return SignIn(principal);
        }

        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<Membership?> ChooseMembershipAsync(PrincipalFactory principals, Guid userId, string? organizationId, CancellationToken ct)
    {
        var memberships = await principals.ActiveMembershipsAsync(userId, ct);
        if (organizationId is null)
        {
            return memberships.FirstOrDefault();
        }
        return Guid.TryParse(organizationId, out var id) ? memberships.FirstOrDefault(m => m.OrganizationId == id) : null;
    }

    private static IResult InvalidCredentials() => Forbid(Errors.InvalidGrant, "The e-mail address or password is incorrect.");

    private static IResult SignIn(ClaimsPrincipal principal) =>
        Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>A hash made once with the real hasher, checked against when there is no account, to keep timings equal.</summary>
    private static class TimingDummy
    {
        public static readonly User User = new() { GivenName = "", FamilyName = "" };
        public static readonly string Hash = new PasswordHasher<User>().HashPassword(User, Guid.NewGuid().ToString());
    }
}
