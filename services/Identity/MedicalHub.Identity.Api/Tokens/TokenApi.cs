using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.SignIn;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// The token endpoint's grants that need the user store. OpenIddict has already validated the request
/// (client, grant type, scopes) before this runs; malformed requests never get here.
/// </summary>
public static class TokenApi
{
    public const string OrganizationParameter = "organization_id";

    /// <summary>The second step of a login with MFA (the shape Auth0 uses): <c>mfa_token</c> plus <c>otp</c> or <c>recovery_code</c>.</summary>
    public const string MfaOtpGrantType = "urn:medicalhub:params:oauth:grant-type:mfa-otp";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", ExchangeAsync)
            .ExcludeFromDescription(); // an OAuth 2.0 form endpoint, described by the discovery document
        return app;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http, UserManager<User> users, PrincipalFactory principals,
        PasswordLogin logins, MfaChallenges challenges, AuditTrail audit, UserSessions sessions, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        if (request.IsPasswordGrantType())
        {
            var check = await logins.CheckPasswordAsync(request.Username, request.Password, request.ClientId, ct);
            switch (check.Outcome)
            {
                case PasswordLogin.Outcome.InvalidCredentials:
                    return InvalidCredentials();
                case PasswordLogin.Outcome.EmailNotVerified:
                    return Forbid(Errors.InvalidGrant, "The e-mail address is not verified yet: follow the link in the verification e-mail.");
                case PasswordLogin.Outcome.MfaRequired:
                    return MfaRequired(await challenges.IssueAsync(new MfaChallenges.Challenge(check.User!.Id, (string?)request[OrganizationParameter], [.. request.GetScopes()])));
            }
            var user = check.User!;

            var membership = await ChooseMembershipAsync(principals, user.Id, (string?)request[OrganizationParameter], ct);
            if (membership is null)
            {
                return Forbid(Errors.InvalidGrant, "The account has no active membership in the requested organization.");
            }

            var principal = await principals.CreateAsync(user, membership, Guid.CreateVersion7().ToString(), ["pwd"], request.GetScopes(), ct);
            await sessions.StartAsync(principal, user.Id, membership.OrganizationId, request.ClientId!, http, ct);
            await audit.RecordAsync(new(AuditActions.LoginSucceeded, AuditOutcomes.Success, membership.OrganizationId, user.Id, Reason: "pwd", ClientId: request.ClientId), ct);
            return SignIn(principal);
        }

        if (request.GrantType == MfaOtpGrantType)
        {
            var mfaToken = (string?)request["mfa_token"];
            var challenge = await challenges.FindAsync(mfaToken);
            var user = challenge is null ? null : await users.FindByIdAsync(challenge.UserId.ToString());
            if (challenge is null || user is null)
            {
                return Forbid(Errors.InvalidGrant, "The mfa_token is invalid or has expired: log in again.");
            }
            var home = await principals.HomeOrganizationAsync(user.Id, ct);
            var second = await logins.CheckSecondFactorAsync(user, home, (string?)request["otp"], (string?)request["recovery_code"], request.ClientId, ct);
            switch (second.Outcome)
            {
                case PasswordLogin.SecondFactorOutcome.LockedOut:
                    return InvalidCredentials();
                case PasswordLogin.SecondFactorOutcome.WrongCode:
                    return Forbid(Errors.InvalidGrant, "The code is not right, or was already used.");
                case PasswordLogin.SecondFactorOutcome.WrongRecoveryCode:
                    return Forbid(Errors.InvalidGrant, "The recovery code is not right, or was already used.");
                case PasswordLogin.SecondFactorOutcome.Missing:
                    return Forbid(Errors.InvalidRequest, "Send the code from the authenticator as otp, or a recovery code as recovery_code.");
            }
            var method = second.Method!;

            await challenges.EndAsync(mfaToken!);
            var membership = await ChooseMembershipAsync(principals, user.Id, challenge.OrganizationId, ct);
            if (membership is null)
            {
                return Forbid(Errors.InvalidGrant, "The account has no active membership in the requested organization.");
            }
            var principal = await principals.CreateAsync(user, membership, Guid.CreateVersion7().ToString(), ["pwd", "mfa", method], challenge.Scopes, ct);
            await sessions.StartAsync(principal, user.Id, membership.OrganizationId, request.ClientId!, http, ct);
            await audit.RecordAsync(new(AuditActions.LoginSucceeded, AuditOutcomes.Success, membership.OrganizationId, user.Id, Reason: $"pwd+{method}", ClientId: request.ClientId), ct);
            return SignIn(principal);
        }

        if (request.IsAuthorizationCodeGrantType())
        {
            return await AuthorizationCodeGrant.ExchangeAsync(http, users, principals, sessions, ct);
        }

        if (request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var previous = result.Principal;
            // The user, their memberships, roles and the MFA policy in one query.
            var found = Guid.TryParse(previous?.GetClaim(Claims.Subject), out var subject) ? await principals.UserWithActiveMembershipsAsync(subject, ct) : null;
            if (previous is null || found is not var (user, memberships) || await users.IsLockedOutAsync(user))
            {
                return Forbid(Errors.InvalidGrant, "The refresh token is no longer valid.");
            }

            // A refresh may switch organizations; otherwise it keeps the one the session chose.
            var organization = (string?)request[OrganizationParameter] ?? previous.GetClaim(PrincipalFactory.OrganizationClaim);
            var membership = ChooseMembership(memberships, organization);
            if (membership is null)
            {
                return Forbid(Errors.InvalidGrant, "The account has no active membership in the organization any more.");
            }

            var sessionId = previous.GetClaim(PrincipalFactory.SessionClaim);
            if (!await sessions.TouchAsync(sessionId, membership.OrganizationId, ct))
            {
                return Forbid(Errors.InvalidGrant, "The session has ended: log in again.");
            }
            var principal = await principals.CreateAsync(user, membership, sessionId!, previous.GetClaims(PrincipalFactory.AuthenticationMethodClaim), previous.GetScopes(), ct);
            principal.SetAuthorizationId(previous.GetAuthorizationId());
            return SignIn(principal);
        }

        if (request.IsClientCredentialsGrantType())
        {
            return await http.RequestServices.GetRequiredService<Clients.ClientCredentialsGrant>().ExchangeAsync(request, ct);
        }

        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    internal static async Task<Membership?> ChooseMembershipAsync(PrincipalFactory principals, Guid userId, string? organizationId, CancellationToken ct) =>
        ChooseMembership(await principals.ActiveMembershipsAsync(userId, ct), organizationId);

    private static Membership? ChooseMembership(List<Membership> memberships, string? organizationId)
    {
        if (organizationId is null)
        {
            return memberships.FirstOrDefault();
        }
        return Guid.TryParse(organizationId, out var id) ? memberships.FirstOrDefault(m => m.OrganizationId == id) : null;
    }

    /// <summary>400 <c>{"error":"mfa_required","mfa_token":"..."}</c>: the password was right; now the second factor.</summary>
    private static IResult MfaRequired(string mfaToken) =>
        Results.Forbid(new AuthenticationProperties(
            new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = "mfa_required",
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "A second factor is required: send the code with the mfa-otp grant.",
            },
            new Dictionary<string, object?> { ["mfa_token"] = mfaToken }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static IResult InvalidCredentials() => Forbid(Errors.InvalidGrant, "The e-mail address or password is incorrect.");

    internal static IResult SignIn(ClaimsPrincipal principal) =>
        Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    internal static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
