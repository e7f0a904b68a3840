using MedicalHub.Identity.Api.Tokens;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>
/// The browser login page of the authorization code flow: the password step, then the TOTP or recovery code step when
/// the account has MFA, then back to <c>/connect/authorize</c>, which issues the code. The rules are the token
/// endpoint's (<see cref="PasswordLogin"/>, <see cref="SignInCompletion"/>); the forms need the antiforgery token.
/// </summary>
public static class LoginApi
{
    private const string AuthorizePath = "/connect/authorize";

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

    /// <summary>The password step's form.</summary>
    public sealed record PasswordForm([FromForm(Name = "email")] string? Email, [FromForm(Name = "password")] string? Password,
        [FromForm(Name = "returnUrl")] string? ReturnUrl);

    /// <summary>The second step's form: the login in progress and one of the two codes.</summary>
    public sealed record SecondFactorForm([FromForm(Name = "mfa_token")] string? MfaToken, [FromForm(Name = "code")] string? Code,
        [FromForm(Name = "recovery_code")] string? RecoveryCode, [FromForm(Name = "returnUrl")] string? ReturnUrl);

    /// <summary>What the page's steps work with.</summary>
    public sealed record LoginServices(IAntiforgery Antiforgery, PasswordLogin Logins, MfaChallenges Challenges, SignInCompletion Completion);

    private static IResult ShowLogin(string? returnUrl, HttpContext http, IAntiforgery antiforgery) =>
        IsAuthorizeUrl(returnUrl) ? LoginPage.Password(antiforgery.GetAndStoreTokens(http), returnUrl!) : NotFromAnApplication();

    private static async Task<IResult> PasswordAsync([AsParameters] PasswordForm form, [AsParameters] LoginServices services, HttpContext http, CancellationToken ct)
    {
        if (!IsAuthorizeUrl(form.ReturnUrl))
        {
            return NotFromAnApplication();
        }
        var returnUrl = form.ReturnUrl!;
        var (clientId, organizationId) = Authorization(returnUrl);
        var check = await services.Logins.CheckPasswordAsync(form.Email?.Trim(), form.Password, clientId, ct);
        switch (check.Outcome)
        {
            case PasswordLogin.Outcome.InvalidCredentials:
                return LoginPage.Password(services.Antiforgery.GetAndStoreTokens(http), returnUrl, form.Email, OAuthResults.InvalidCredentialsMessage);
            case PasswordLogin.Outcome.EmailNotVerified:
                return LoginPage.Password(services.Antiforgery.GetAndStoreTokens(http), returnUrl, form.Email,
                    "The e-mail address is not verified yet: follow the link in the verification e-mail.");
        }
        var outcome = await services.Completion.AfterPasswordAsync(new SignInAttempt(http, SignInChannel.LoginPage, clientId, organizationId, []), check, ct);
        return outcome is SignInOutcome.SecondFactorRequired second
            ? LoginPage.SecondFactor(services.Antiforgery.GetAndStoreTokens(http), returnUrl, second.MfaToken)
            : Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> SecondFactorAsync([AsParameters] SecondFactorForm form, [AsParameters] LoginServices services, HttpContext http,
        CancellationToken ct)
    {
        if (!IsAuthorizeUrl(form.ReturnUrl))
        {
            return NotFromAnApplication();
        }
        var returnUrl = form.ReturnUrl!;
        var (clientId, _) = Authorization(returnUrl);
        var second = await services.Logins.CheckSecondFactorAsync(form.MfaToken, form.Code, form.RecoveryCode, clientId, ct);
        switch (second.Outcome)
        {
            case PasswordLogin.SecondFactorOutcome.ChallengeExpired:
                return LoginPage.Password(services.Antiforgery.GetAndStoreTokens(http), returnUrl, error: "The login took too long: enter your password again.");
            case PasswordLogin.SecondFactorOutcome.WrongCode:
                return LoginPage.SecondFactor(services.Antiforgery.GetAndStoreTokens(http), returnUrl, form.MfaToken!, "The code is not right, or was already used.");
            case PasswordLogin.SecondFactorOutcome.WrongRecoveryCode:
                return LoginPage.SecondFactor(services.Antiforgery.GetAndStoreTokens(http), returnUrl, form.MfaToken!,
                    "The recovery code is not right, or was already used.");
            case PasswordLogin.SecondFactorOutcome.Missing:
                return LoginPage.SecondFactor(services.Antiforgery.GetAndStoreTokens(http), returnUrl, form.MfaToken!,
                    "Enter the code from your authenticator app, or a recovery code.");
            case PasswordLogin.SecondFactorOutcome.LockedOut:
                await services.Challenges.EndAsync(form.MfaToken!);
                return LoginPage.Password(services.Antiforgery.GetAndStoreTokens(http), returnUrl, second.User!.Email, OAuthResults.InvalidCredentialsMessage);
        }
        await services.Completion.AfterSecondFactorAsync(new SignInAttempt(http, SignInChannel.LoginPage, clientId, null, []), second, ct);
        return Results.LocalRedirect(returnUrl);
    }

    /// <summary>The page only continues an authorization request of this server: anything else would make it an open redirect.</summary>
    private static bool IsAuthorizeUrl(string? returnUrl) =>
        returnUrl is not null && (returnUrl == AuthorizePath || returnUrl.StartsWith(AuthorizePath + "?", StringComparison.Ordinal));

    private static (string? ClientId, string? OrganizationId) Authorization(string returnUrl)
    {
        var query = QueryHelpers.ParseQuery(returnUrl[AuthorizePath.Length..]);
        return (query.TryGetValue(Parameters.ClientId, out var client) ? client.ToString() : null,
            query.TryGetValue(TokenParameters.OrganizationId, out var organization) ? organization.ToString() : null);
    }

    private static IResult NotFromAnApplication() =>
        LoginPage.Message("Start from the application", "This login page opens from a MedicalHub application: go back to it and choose Log in.",
            StatusCodes.Status400BadRequest);
}
