using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>
/// The browser login's short-lived cookie: who passed the login page and how (<c>amr</c>), read by
/// <c>/connect/authorize</c> to issue the code, and the session that issued it (its <c>sid</c>) for
/// <c>/connect/endsession</c>. It is not an API credential: Identity's API takes access tokens only.
/// </summary>
public static class LoginCookie
{
    public const string Scheme = "MedicalHub.Login";
    public const string CookieName = "medicalhub.login";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private const string SecurityStampClaim = "stamp";

    public static void Configure(CookieAuthenticationOptions options, CookieSecurePolicy securePolicy)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        // Lax: the browser comes back to /connect/authorize from the application's site with a top-level GET.
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = securePolicy;
        options.ExpireTimeSpan = Lifetime;
        options.SlidingExpiration = false;
        options.LoginPath = "/account/login";
        options.AccessDeniedPath = "/account/login";
    }

    /// <summary>Signs the browser in after the login page's last step.</summary>
    public static async Task SignInAsync(HttpContext http, UserManager<User> users, User user, IEnumerable<string> authenticationMethods)
    {
        var identity = new ClaimsIdentity(Scheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id.ToString()));
        identity.AddClaim(new Claim(SecurityStampClaim, await users.GetSecurityStampAsync(user)));
        foreach (var method in authenticationMethods)
        {
            identity.AddClaim(new Claim(ClaimNames.AuthenticationMethod, method));
        }
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>
    /// The account behind a valid login cookie, or null when there is none, or the account changed since
    /// (password changed or reset, which renews the security stamp), is locked out or not verified.
    /// </summary>
    public static async Task<User?> UserAsync(AuthenticateResult login, UserManager<User> users)
    {
        if (!login.Succeeded || login.Principal.FindFirstValue(Claims.Subject) is not { } subject)
        {
            return null;
        }
        var user = await users.FindByIdAsync(subject);
        if (user is null || !user.EmailConfirmed || await users.IsLockedOutAsync(user)
            || await users.GetSecurityStampAsync(user) != login.Principal.FindFirstValue(SecurityStampClaim))
        {
            return null;
        }
        return user;
    }

    /// <summary>Records in the cookie the session a code was just issued for, keeping the cookie's expiry.</summary>
    public static Task RememberSessionAsync(HttpContext http, AuthenticateResult login, string sessionId)
    {
        var identity = new ClaimsIdentity(login.Principal!.Claims.Where(c => c.Type != ClaimNames.Session), Scheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(ClaimNames.Session, sessionId));
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), login.Properties);
    }
}
