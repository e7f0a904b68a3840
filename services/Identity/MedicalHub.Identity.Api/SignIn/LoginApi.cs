using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Tokens;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>
/// The browser login page of the authorization code flow: the password step, then the TOTP or recovery
/// code step when the account has MFA, then back to <c>/connect/authorize</c>, which issues the code. The
/// rules are the token endpoint's (<see cref="PasswordLogin"/>); the forms need the antiforgery token.
/// </summary>
public static class LoginApi
{
    public const string SignedOutPath = "/account/signed-out";

    private const string AuthorizePath = "/connect/authorize";
    private const string InvalidCredentials = "The e-mail address or password is incorrect.";

    public static IEndpointRouteBuilder MapLoginApi(this IEndpointRouteBuilder app)
    {
        // HTML pages for browsers, not part of the JSON API's OpenAPI document.
        var pages = app.MapGroup("/account").ExcludeFromDescription();
        pages.MapGet("/login", ShowLogin);
        pages.MapPost("/login", PasswordAsync);
        pages.MapPost("/login/mfa", SecondFactorAsync);
        pages.MapGet("/signed-out", () => LoginPage.Message("Signed out", "You are signed out of MedicalHub. You can close this window."));
        return app;
    }

    private static IResult ShowLogin(string? returnUrl, HttpContext http, IAntiforgery antiforgery) =>
        IsAuthorizeUrl(returnUrl) ? LoginPage.Password(antiforgery.GetAndStoreTokens(http), returnUrl!) : NotFromAnApplication();

    private static async Task<IResult> PasswordAsync([FromForm(Name = "email")] string? email, [FromForm(Name = "password")] string? password,
        [FromForm(Name = "returnUrl")] string? returnUrl, HttpContext http, IAntiforgery antiforgery, PasswordLogin logins, MfaChallenges challenges,
        UserManager<User> users, PrincipalFactory principals, AuditTrail audit, CancellationToken ct)
    {
        if (!IsAuthorizeUrl(returnUrl))
        {
            return NotFromAnApplication();
        }
        var (clientId, organizationId) = Authorization(returnUrl!);
        var check = await logins.CheckPasswordAsync(email?.Trim(), password, clientId, ct);
        switch (check.Outcome)
        {
            case PasswordLogin.Outcome.InvalidCredentials:
                return LoginPage.Password(antiforgery.GetAndStoreTokens(http), returnUrl!, email, InvalidCredentials);
            case PasswordLogin.Outcome.EmailNotVerified:
                return LoginPage.Password(antiforgery.GetAndStoreTokens(http), returnUrl!, email,
                    "The e-mail address is not verified yet: follow the link in the verification e-mail.");
            case PasswordLogin.Outcome.MfaRequired:
                var mfaToken = await challenges.IssueAsync(new MfaChallenges.Challenge(check.User!.Id, organizationId, []));
                return LoginPage.SecondFactor(antiforgery.GetAndStoreTokens(http), returnUrl!, mfaToken);
        }
        return await CompleteAsync(http, users, principals, audit, check.User!, ["pwd"], organizationId, clientId, returnUrl!, ct);
    }

    private static async Task<IResult> SecondFactorAsync([FromForm(Name = "mfa_token")] string? mfaToken, [FromForm(Name = "code")] string? code,
        [FromForm(Name = "recovery_code")] string? recoveryCode, [FromForm(Name = "returnUrl")] string? returnUrl, HttpContext http,
        IAntiforgery antiforgery, PasswordLogin logins, MfaChallenges challenges, UserManager<User> users, PrincipalFactory principals,
        AuditTrail audit, CancellationToken ct)
    {
        if (!IsAuthorizeUrl(returnUrl))
        {
            return NotFromAnApplication();
        }
        var (clientId, _) = Authorization(returnUrl!);
        var challenge = await challenges.FindAsync(mfaToken);
        var user = challenge is null ? null : await users.FindByIdAsync(challenge.UserId.ToString());
        if (challenge is null || user is null)
        {
            return LoginPage.Password(antiforgery.GetAndStoreTokens(http), returnUrl!, error: "The login took too long: enter your password again.");
        }

        var home = await principals.HomeOrganizationAsync(user.Id, ct);
        var second = await logins.CheckSecondFactorAsync(user, home, code, recoveryCode, clientId, ct);
        var retry = second.Outcome switch
        {
            PasswordLogin.SecondFactorOutcome.WrongCode => "The code is not right, or was already used.",
            PasswordLogin.SecondFactorOutcome.WrongRecoveryCode => "The recovery code is not right, or was already used.",
            PasswordLogin.SecondFactorOutcome.Missing => "Enter the code from your authenticator app, or a recovery code.",
            _ => null,
        };
        if (retry is not null)
        {
            return LoginPage.SecondFactor(antiforgery.GetAndStoreTokens(http), returnUrl!, mfaToken!, retry);
        }
        await challenges.EndAsync(mfaToken!);
        if (second.Outcome == PasswordLogin.SecondFactorOutcome.LockedOut)
        {
            return LoginPage.Password(antiforgery.GetAndStoreTokens(http), returnUrl!, user.Email, InvalidCredentials);
        }
        return await CompleteAsync(http, users, principals, audit, user, ["pwd", "mfa", second.Method!], challenge.OrganizationId, clientId, returnUrl!, ct);
    }

    /// <summary>The login is complete: the short-lived login cookie, the audit entry, and back to the authorization request.</summary>
    private static async Task<IResult> CompleteAsync(HttpContext http, UserManager<User> users, PrincipalFactory principals, AuditTrail audit,
        User user, string[] methods, string? organizationId, string? clientId, string returnUrl, CancellationToken ct)
    {
        await LoginCookie.SignInAsync(http, users, user, methods);
        var organization = (await TokenApi.ChooseMembershipAsync(principals, user.Id, organizationId, ct))?.OrganizationId
            ?? await principals.HomeOrganizationAsync(user.Id, ct);
        await audit.RecordAsync(new(AuditActions.LoginSucceeded, AuditOutcomes.Success, organization, user.Id,
            Reason: string.Join('+', methods.Where(m => m != "mfa")), ClientId: clientId), ct);
        return Results.LocalRedirect(returnUrl);
    }

    /// <summary>The page only continues an authorization request of this server: anything else would make it an open redirect.</summary>
    private static bool IsAuthorizeUrl(string? returnUrl) =>
        returnUrl is not null && (returnUrl == AuthorizePath || returnUrl.StartsWith(AuthorizePath + "?", StringComparison.Ordinal));

    private static (string? ClientId, string? OrganizationId) Authorization(string returnUrl)
    {
        var query = QueryHelpers.ParseQuery(returnUrl[AuthorizePath.Length..]);
        return (query.TryGetValue(Parameters.ClientId, out var client) ? client.ToString() : null,
            query.TryGetValue(TokenApi.OrganizationParameter, out var organization) ? organization.ToString() : null);
    }

    private static IResult NotFromAnApplication() =>
        LoginPage.Message("Start from the application", "This login page opens from a MedicalHub application: go back to it and choose Log in.",
            StatusCodes.Status400BadRequest);
}
