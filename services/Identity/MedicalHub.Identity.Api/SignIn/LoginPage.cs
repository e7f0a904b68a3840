using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>The login page's HTML: plain server-rendered forms, no script, every value HTML-encoded.</summary>
internal static class LoginPage
{
    public const string SignedOutPath = "/account/signed-out";

    private const string Style = """
        :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
        main { width: min(24rem, calc(100vw - 2rem)); padding: 2rem; border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: .75rem; }
        h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
        p.lead { margin: 0 0 1.5rem; opacity: .75; }
        label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
        input { box-sizing: border-box; width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid color-mix(in srgb, CanvasText 35%, transparent); border-radius: .4rem; background: Field; color: FieldText; }
        input:focus-visible, button:focus-visible, summary:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
        button { margin-top: 1.5rem; width: 100%; padding: .7rem; font: inherit; font-weight: 600; color: #fff; background: #1d4ed8; border: 0; border-radius: .4rem; cursor: pointer; }
        button:hover { background: #1e40af; }
        .error { margin: 0 0 1rem; padding: .6rem .8rem; border-radius: .4rem; background: #fee2e2; color: #7f1d1d; }
        .hint { font-size: .9rem; opacity: .75; margin: .35rem 0 0; }
        details { margin-top: 1.25rem; }
        """;

    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

    public static IResult Password(AntiforgeryTokenSet antiforgery, string returnUrl, string? email = null, string? error = null) =>
        Page("Log in", $"""
            <h1>Log in to MedicalHub</h1>
            <p class="lead">Use the e-mail address and password of your MedicalHub account.</p>
            {Error(error)}
            <form method="post" action="/account/login">
              {Hidden(antiforgery.FormFieldName, antiforgery.RequestToken)}
              {Hidden("returnUrl", returnUrl)}
              <label for="email">E-mail address</label>
              <input id="email" name="email" type="email" autocomplete="username" required autofocus value="{Encode(email)}">
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Log in</button>
            </form>
            """);

    public static IResult SecondFactor(AntiforgeryTokenSet antiforgery, string returnUrl, string mfaToken, string? error = null) =>
        Page("Two-step verification", $"""
            <h1>Two-step verification</h1>
            <p class="lead">Enter the 6-digit code from your authenticator app.</p>
            {Error(error)}
            <form method="post" action="/account/login/mfa">
              {Hidden(antiforgery.FormFieldName, antiforgery.RequestToken)}
              {Hidden("returnUrl", returnUrl)}
              {Hidden("mfa_token", mfaToken)}
              <label for="code">Authentication code</label>
              <input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9 ]*" autocomplete="one-time-code" maxlength="8" autofocus aria-describedby="code-hint">
              <p id="code-hint" class="hint">The code changes every 30 seconds.</p>
              <details>
                <summary>Use a recovery code instead</summary>
                <label for="recovery_code">Recovery code</label>
                <input id="recovery_code" name="recovery_code" type="text" autocomplete="off" aria-describedby="recovery-hint">
                <p id="recovery-hint" class="hint">Each of the recovery codes you saved works once.</p>
              </details>
              <button type="submit">Verify</button>
            </form>
            """);

    public static IResult ConfirmSignOut(AntiforgeryTokenSet antiforgery, IEnumerable<KeyValuePair<string, string?>> parameters) =>
        Page("Sign out", $"""
            <h1>Sign out of MedicalHub?</h1>
            <p class="lead">You will need your password to log in again.</p>
            <form method="post" action="/connect/endsession">
              {Hidden(antiforgery.FormFieldName, antiforgery.RequestToken)}
              {string.Concat(parameters.Where(p => p.Key != antiforgery.FormFieldName).Select(p => Hidden(p.Key, p.Value)))}
              <button type="submit">Sign out</button>
            </form>
            """);

    public static IResult Message(string title, string text, int statusCode = StatusCodes.Status200OK) =>
        Page(title, $"""
            <h1>{Encode(title)}</h1>
            <p class="lead">{Encode(text)}</p>
            """, statusCode);

    private static HtmlPage Page(string title, string body, int statusCode = StatusCodes.Status200OK) => new($"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{Encode(title)} · MedicalHub</title>
        <style>{Style}</style>
        </head>
        <body>
        <main>
        {body}
        </main>
        </body>
        </html>
        """, statusCode);

    /// <summary>A page that is never cached, runs no script, loads nothing and cannot be framed.</summary>
    private sealed class HtmlPage(string html, int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            response.Headers["Referrer-Policy"] = "no-referrer";
            return response.WriteAsync(html, Encoding.UTF8);
        }
    }

    private static string Error(string? error) =>
        error is null ? "" : $"""<p class="error" role="alert">{Encode(error)}</p>""";

    private static string Hidden(string name, string? value) =>
        $"""<input type="hidden" name="{Encode(name)}" value="{Encode(value)}">""";

    private static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");
}
