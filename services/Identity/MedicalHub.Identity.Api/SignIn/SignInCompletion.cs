using System.Globalization;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>Where a sign-in whose credentials are right ends.</summary>
public enum SignInChannel
{
    /// <summary>The token endpoint's password and mfa-otp grants: a new session and its tokens.</summary>
    TokenEndpoint,

    /// <summary>The browser login page: the login cookie, with which <c>/connect/authorize</c> then starts the session.</summary>
    LoginPage,
}

/// <summary>A login in progress: where it ends, for which client, organization (<c>organization_id</c>) and scopes.</summary>
public sealed record SignInAttempt(HttpContext Http, SignInChannel Channel, string? ClientId, string? OrganizationId, IReadOnlyCollection<string> Scopes);

/// <summary>How a sign-in ended; each endpoint answers it in its own shape.</summary>
public abstract record SignInOutcome
{
    /// <summary>The password was right and the account has MFA: the login goes on at the second step with this <c>mfa_token</c>.</summary>
    public sealed record SecondFactorRequired(string MfaToken) : SignInOutcome;

    /// <summary>The session started or went on: tokens for this principal.</summary>
    public sealed record TokensReady(ClaimsPrincipal Principal) : SignInOutcome;

    /// <summary>The browser holds the login cookie; back to the authorization request.</summary>
    public sealed record BrowserSignedIn : SignInOutcome;

    /// <summary>The account has no active membership in the organization asked for (or in none).</summary>
    public sealed record NoMembership : SignInOutcome;

    /// <summary>The session was ended (signed out, revoked, password changed): log in again.</summary>
    public sealed record SessionEnded : SignInOutcome;
}

/// <summary>
/// What every successful sign-in ends with, in this one place, whichever grant or page it came through: the MFA check
/// (an account with MFA goes on to the second step), then for an app the session, the audit entry and its tokens, for
/// the browser the login cookie and the audit entry (<c>/connect/authorize</c> then starts the session from the cookie);
/// the code and refresh grants continue a session here too. The tokens are always built from the account as it is now
/// (<see cref="PrincipalFactory"/>), in the organization chosen (<see cref="MembershipDirectory.Choose"/>).
/// </summary>
public sealed class SignInCompletion(MfaChallenges challenges, IMembershipDirectory memberships, PrincipalFactory principals, UserSessions sessions,
    IAuditTrail audit, UserManager<User> users)
{
    /// <summary>The <c>amr</c> values (RFC 8176) of a password, and of a second factor on top (with <c>otp</c> or <c>rc</c>).</summary>
    public const string PasswordMethod = "pwd";
    public const string MfaMethod = "mfa";

    /// <summary>The password was right (<see cref="PasswordLogin.Outcome.Succeeded"/> or <see cref="PasswordLogin.Outcome.MfaRequired"/>).</summary>
    public async Task<SignInOutcome> AfterPasswordAsync(SignInAttempt attempt, PasswordLogin.PasswordResult check, CancellationToken ct)
    {
        if (check.Outcome == PasswordLogin.Outcome.MfaRequired)
        {
            var mfaToken = await challenges.IssueAsync(new MfaChallenges.Challenge(check.User!.Id, attempt.OrganizationId, [.. attempt.Scopes]));
            return new SignInOutcome.SecondFactorRequired(mfaToken);
        }
        return await FinishLoginAsync(attempt, check.User!, [PasswordMethod], ct);
    }

    /// <summary>The second factor was right (<see cref="PasswordLogin.SecondFactorOutcome.Succeeded"/>): the login the challenge holds ends.</summary>
    public async Task<SignInOutcome> AfterSecondFactorAsync(SignInAttempt attempt, PasswordLogin.SecondFactorResult second, CancellationToken ct)
    {
        await challenges.EndAsync(second.MfaToken!);
        var resumed = attempt with { OrganizationId = second.Challenge!.OrganizationId, Scopes = second.Challenge.Scopes };
        return await FinishLoginAsync(resumed, second.User!, [PasswordMethod, MfaMethod, second.Method!], ct);
    }

    /// <summary><c>/connect/authorize</c>: the browser's login (its cookie) becomes a session, for which an authorization code is issued.</summary>
    public async Task<SignInOutcome> StartBrowserSessionAsync(HttpContext http, AuthenticateResult login, User user, OpenIddictRequest request, CancellationToken ct)
    {
        var membership = MembershipDirectory.Choose(await memberships.ActiveAsync(user.Id, ct), (string?)request[TokenParameters.OrganizationId]);
        if (membership is null)
        {
            return new SignInOutcome.NoMembership();
        }
        var principal = principals.Create(user, membership, Guid.CreateVersion7().ToString(),
            login.Principal!.FindAll(ClaimNames.AuthenticationMethod).Select(c => c.Value), request.GetScopes());
        PrincipalFactory.SetAuthenticationTime(principal, login.Properties?.IssuedUtc?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        await sessions.StartAsync(principal, user.Id, membership.OrganizationId, request.ClientId!, http, ct);
        await LoginCookie.RememberSessionAsync(http, login, principal.GetClaim(ClaimNames.Session)!);
        return new SignInOutcome.TokensReady(principal);
    }

    /// <summary>
    /// The authorization code and refresh grants: the session of <paramref name="previous"/> (the code's or the refresh
    /// token's principal) goes on, unless it has ended, in <paramref name="organizationId"/> (a refresh may switch).
    /// </summary>
    public async Task<SignInOutcome> ContinueSessionAsync(User user, IReadOnlyList<ActiveMembership> active, ClaimsPrincipal previous, string? organizationId,
        CancellationToken ct)
    {
        var membership = MembershipDirectory.Choose(active, organizationId);
        if (membership is null)
        {
            return new SignInOutcome.NoMembership();
        }
        var sessionId = previous.GetClaim(ClaimNames.Session);
        if (!await sessions.TouchAsync(sessionId, membership.OrganizationId, ct))
        {
            return new SignInOutcome.SessionEnded();
        }
        var principal = principals.Create(user, membership, sessionId!, previous.GetClaims(ClaimNames.AuthenticationMethod), previous.GetScopes());
        principal.SetAuthorizationId(previous.GetAuthorizationId());
        PrincipalFactory.SetAuthenticationTime(principal, previous.GetClaim(Claims.AuthenticationTime));
        return new SignInOutcome.TokensReady(principal);
    }

    private async Task<SignInOutcome> FinishLoginAsync(SignInAttempt attempt, User user, string[] methods, CancellationToken ct)
    {
        var active = await memberships.ActiveAsync(user.Id, ct);
        var membership = MembershipDirectory.Choose(active, attempt.OrganizationId);
        var reason = string.Join('+', methods.Where(m => m != MfaMethod));
        if (attempt.Channel == SignInChannel.LoginPage)
        {
            await LoginCookie.SignInAsync(attempt.Http, users, user, methods);
            // The organization is chosen again at /connect/authorize; the login is recorded under the one asked for, or the home one.
            var organization = (membership ?? active.FirstOrDefault())?.OrganizationId;
            await audit.RecordAsync(new(AuditActions.LoginSucceeded, AuditOutcomes.Success, organization, user.Id, Reason: reason, ClientId: attempt.ClientId), ct);
            return new SignInOutcome.BrowserSignedIn();
        }

        if (membership is null)
        {
            return new SignInOutcome.NoMembership();
        }
        var principal = principals.Create(user, membership, Guid.CreateVersion7().ToString(), methods, attempt.Scopes);
        await sessions.StartAsync(principal, user.Id, membership.OrganizationId, attempt.ClientId!, attempt.Http, ct);
        await audit.RecordAsync(new(AuditActions.LoginSucceeded, AuditOutcomes.Success, membership.OrganizationId, user.Id, Reason: reason, ClientId: attempt.ClientId), ct);
        return new SignInOutcome.TokensReady(principal);
    }
}
