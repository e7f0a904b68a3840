using System.Globalization;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>
/// The browser-facing OpenID Connect endpoints: <c>/connect/authorize</c> (authorization code + PKCE, after
/// the login page), <c>/connect/userinfo</c> and <c>/connect/endsession</c>. OpenIddict validates each
/// request (client, redirect URIs, PKCE, scopes, tokens) before these run.
/// </summary>
public static class AuthorizationApi
{
    public static IEndpointRouteBuilder MapAuthorizationApi(this IEndpointRouteBuilder app)
    {
        // OAuth 2.0 / OpenID Connect endpoints, described by the discovery document rather than OpenAPI.
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription();
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).ExcludeFromDescription();
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<User> users, SignInCompletion completion, TimeProvider time, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var login = await http.AuthenticateAsync(LoginCookie.Scheme);
        var user = await LoginCookie.UserAsync(login, users);

        var reauthenticate = request.HasPromptValue(PromptValues.Login)
            || request.MaxAge is 0
            || (request.MaxAge is { } maxAge && login.Properties?.IssuedUtc is { } issued && time.GetUtcNow() - issued > TimeSpan.FromSeconds(maxAge));
        if (user is null || reauthenticate)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return OAuthResults.Forbid(Errors.LoginRequired, "The user is not logged in.");
            }
            // Back here after the login page, without what asked for a fresh login (or it would loop).
            var parameters = request.GetParameters()
                .Where(p => p.Key is not (Parameters.Prompt or Parameters.MaxAge))
                .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters) },
                [LoginCookie.Scheme]);
        }

        return await completion.StartBrowserSessionAsync(http, login, user, request, ct) is SignInOutcome.TokensReady ready
            ? OAuthResults.SignIn(ready.Principal)
            : OAuthResults.Forbid(Errors.AccessDenied, OAuthResults.NoMembershipMessage);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, UserManager<User> users)
    {
        // OpenIddict has validated the access token (signature, expiry, not revoked) before this runs.
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var user = principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
        if (principal is null || user is null)
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The account no longer exists.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Claims.Subject] = user.Id.ToString(),
        };
        if (principal.GetClaim(ClaimNames.Organization) is { } organization)
        {
            claims[ClaimNames.Organization] = organization;
        }
        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email ?? "";
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = $"{user.GivenName} {user.FamilyName}";
            claims[Claims.GivenName] = user.GivenName;
            claims[Claims.FamilyName] = user.FamilyName;
        }
        return Results.Ok(claims);
    }

    /// <summary>
    /// Ends the browser login and the session named by the <c>id_token_hint</c>'s <c>sid</c> (or the login
    /// cookie's): its refresh tokens stop working. Then back to the client's registered post-logout URI,
    /// which OpenIddict has checked, or to the "signed out" page. Without an <c>id_token_hint</c> the user
    /// confirms first (a form with an antiforgery token), so another site cannot sign them out.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext http, UserSessions sessions, IAuditTrail audit, IAntiforgery antiforgery, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var hint = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var login = (await http.AuthenticateAsync(LoginCookie.Scheme)).Principal;

        if (request.IdTokenHint is null)
        {
            if (!HttpMethods.IsPost(http.Request.Method))
            {
                var parameters = request.GetParameters().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value));
                return LoginPage.ConfirmSignOut(antiforgery.GetAndStoreTokens(http), parameters);
            }
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return LoginPage.Message("Sign-out not confirmed", "Sign out from the MedicalHub application, or confirm on the sign-out page.",
                    StatusCodes.Status400BadRequest);
            }
        }

        var ended = hint?.GetClaim(ClaimNames.Session) is not null ? hint : login;
        if (Guid.TryParse(ended?.GetClaim(Claims.Subject), out var userId) && Guid.TryParse(ended.GetClaim(ClaimNames.Session), out var sessionId)
            && (await sessions.ActiveAsync(userId, ct)).SingleOrDefault(s => s.Id == sessionId) is { } session)
        {
            await sessions.RevokeAsync(userId, sessionId, ct);
            await audit.RecordAsync(new(AuditActions.SessionRevoked, AuditOutcomes.Success, session.OrganizationId, userId, userId,
                Reason: $"signed out ({sessionId})", ClientId: request.ClientId ?? session.ClientId), ct);
        }

        await http.SignOutAsync(LoginCookie.Scheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = LoginPage.SignedOutPath }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
