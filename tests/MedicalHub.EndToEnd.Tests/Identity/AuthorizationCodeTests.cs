using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>
/// The browser flow of <c>medicalhub-web</c>: /connect/authorize with PKCE, the login page (password, then
/// the second factor), the code exchange, userinfo and endsession, driven as a browser does, one redirect
/// at a time.
/// </summary>
public sealed partial class AuthorizationCodeTests(StackFixture stack)
{
    private const string ClientId = "medicalhub-web";
    private const string RedirectUri = "http://localhost:5173/callback";
    private const string PostLogoutRedirectUri = "http://localhost:5173/";
    private static readonly string[] WrongCodes = ["000000", "111111", "222222"];
    private const string GenericError = "The e-mail address or password is incorrect.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce Create()
        {
            var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
            return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

    private sealed record Form(string Action, Dictionary<string, string> Hidden);

    private sealed record Tokens(string AccessToken, string? IdToken, string? RefreshToken)
    {
        public JsonElement Claims => IdentityClient.Payload(AccessToken);
    }

    [GeneratedRegex("""<form method="post" action="([^"]*)">""")]
    private static partial Regex FormAction();

    [GeneratedRegex("""<input type="hidden" name="([^"]*)" value="([^"]*)">""")]
    private static partial Regex HiddenInput();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>An authorization request of medicalhub-web; a null value leaves that parameter out.</summary>
    private static string AuthorizeUrl(Pkce pkce, params (string Key, string? Value)[] overrides)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid profile email offline_access",
            ["state"] = "state-" + Guid.NewGuid().ToString("N")[..8],
            ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N")[..8],
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        };
        foreach (var (key, value) in overrides)
        {
            parameters[key] = value;
        }
        return "/connect/authorize?" + string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
    }

    private static Form ParseForm(string html)
    {
        var action = FormAction().Match(html);
        Assert.True(action.Success, "the page has no form");
        return new Form(WebUtility.HtmlDecode(action.Groups[1].Value),
            HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value)));
    }

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, Form form, params (string Key, string Value)[] fields) =>
        await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Hidden.Concat(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)))), Ct);

    private static Uri Location(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"expected a redirect, got {(int)response.StatusCode}: {response.Content.ReadAsStringAsync(Ct).GetAwaiter().GetResult()}");
        return response.Headers.Location!;
    }

    /// <summary>The authorization request, sent to the login page (no login yet): the page's HTML.</summary>
    private static async Task<string> LoginPageAsync(HttpClient browser, string authorizeUrl)
    {
        using var authorize = await browser.GetAsync(authorizeUrl, Ct);
        var login = Location(authorize);
        Assert.Equal("/account/login", login.IsAbsoluteUri ? login.AbsolutePath : login.OriginalString.Split('?')[0]);
        using var page = await browser.GetAsync(login, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        return await page.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>Follows a completed login step back to /connect/authorize, which answers the client's redirect URI with the code.</summary>
    private static async Task<System.Collections.Specialized.NameValueCollection> CallbackAsync(HttpClient browser, HttpResponseMessage loggedIn)
    {
        var back = Location(loggedIn);
        Assert.StartsWith("/connect/authorize?", back.OriginalString, StringComparison.Ordinal);
        using var authorize = await browser.GetAsync(back, Ct);
        var callback = Location(authorize);
        Assert.Equal(RedirectUri, callback.GetLeftPart(UriPartial.Path));
        return HttpUtility.ParseQueryString(callback.Query);
    }

    /// <summary>The whole browser login of a user without MFA: the authorization code.</summary>
    private static async Task<string> CodeAsync(HttpClient browser, IdentityClient.Registered user, string authorizeUrl)
    {
        var form = ParseForm(await LoginPageAsync(browser, authorizeUrl));
        using var loggedIn = await SubmitAsync(browser, form, ("email", user.Email), ("password", user.Password));
        var callback = await CallbackAsync(browser, loggedIn);
        Assert.Equal(HttpUtility.ParseQueryString(authorizeUrl.Split('?')[1])["state"], callback["state"]);
        return callback["code"] ?? throw new InvalidOperationException("No code: " + callback);
    }

    private static async Task<HttpResponseMessage> ExchangeAsync(IdentityClient identity, string code, string verifier, string redirectUri = RedirectUri) =>
        await identity.TokenAsync(("grant_type", "authorization_code"), ("client_id", ClientId), ("code", code), ("code_verifier", verifier), ("redirect_uri", redirectUri));

    private static async Task<Tokens> TokensAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return new Tokens(body.GetProperty("access_token").GetString()!, body.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null);
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString();

    private static async Task<HttpResponseMessage> RefreshAsync(IdentityClient identity, string refreshToken) =>
        await identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", ClientId), ("refresh_token", refreshToken));

    /// <summary>A code that no step near now gives (the server accepts a little clock drift).</summary>
    private static string WrongCode(string secret)
    {
        var near = Enumerable.Range(-3, 7).Select(step => Totp.Code(secret, step)).ToHashSet();
        return WrongCodes.First(code => !near.Contains(code));
    }

    /// <summary>A multi-valued claim: a JSON array, or a string when it has one value.</summary>
    private static string[] Strings(JsonElement claims, string name) => claims.GetProperty(name) is { ValueKind: JsonValueKind.String } one
        ? [one.GetString()!]
        : [.. claims.GetProperty(name).EnumerateArray().Select(a => a.GetString()!)];

    [Fact]
    public async Task Discovery_names_the_browser_endpoints_and_S256_only()
    {
        using var identity = new IdentityClient(stack);

        var discovery = await identity.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Ct);

        // Asked directly, Identity names its own address for its endpoints (the issuer is the gateway's).
        var identityUrl = stack.App.GetEndpoint("identity", "http");
        Assert.Equal(new Uri(identityUrl, "connect/authorize").ToString(), discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(identityUrl, "connect/userinfo").ToString(), discovery.GetProperty("userinfo_endpoint").GetString());
        Assert.Equal(new Uri(identityUrl, "connect/endsession").ToString(), discovery.GetProperty("end_session_endpoint").GetString());
        Assert.Contains("authorization_code", discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_browser_login_with_PKCE_gets_a_code_whose_tokens_carry_the_password_grant_claims_and_a_listed_session()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var pkce = Pkce.Create();
        var authorizeUrl = AuthorizeUrl(pkce, ("nonce", "n-0S6_WzA2Mj"));

        var html = await LoginPageAsync(browser, authorizeUrl);
        Assert.Contains("""<label for="email">""", html, StringComparison.Ordinal);
        Assert.Contains("""<input id="email" name="email" type="email" autocomplete="username" required""", html, StringComparison.Ordinal);
        Assert.Contains("""<label for="password">""", html, StringComparison.Ordinal);
        var code = await CodeAsync(browser, user, authorizeUrl);

        var tokens = await TokensAsync(await ExchangeAsync(identity, code, pkce.Verifier));
        Assert.True(await identity.SignatureIsValidAsync(tokens.AccessToken));
        var claims = tokens.Claims;
        Assert.Equal(user.UserId.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal(user.OrganizationId.ToString(), claims.GetProperty("org_id").GetString());
        Assert.Equal(["OrgAdmin"], Strings(claims, "role"));
        Assert.Contains("org:manage", Strings(claims, "permission"));
        Assert.Equal(["pwd"], Strings(claims, "amr"));
        Assert.True(claims.GetProperty("email_verified").GetBoolean());
        Assert.Equal(ClientId, claims.GetProperty("client_id").GetString());
        var sid = claims.GetProperty("sid").GetString()!;

        var idToken = IdentityClient.Payload(tokens.IdToken ?? throw new InvalidOperationException("The code exchange gave no identity token."));
        Assert.Equal("n-0S6_WzA2Mj", idToken.GetProperty("nonce").GetString());
        Assert.Equal(sid, idToken.GetProperty("sid").GetString());
        Assert.Equal(user.Email, idToken.GetProperty("email").GetString());
        var authTime = DateTimeOffset.FromUnixTimeSeconds(idToken.GetProperty("auth_time").GetInt64());
        Assert.InRange(authTime, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));

        // The session is one of the user's, and it is the token's.
        using var list = await identity.SendAsync(HttpMethod.Get, "/api/account/sessions", tokens.AccessToken);
        var session = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray());
        Assert.Equal(sid, session.GetProperty("id").GetString());
        Assert.True(session.GetProperty("current").GetBoolean());

        // offline_access gave a refresh token, which keeps the session.
        Assert.NotNull(tokens.RefreshToken);
        var refreshed = await TokensAsync(await RefreshAsync(identity, tokens.RefreshToken));
        Assert.Equal(sid, refreshed.Claims.GetProperty("sid").GetString());
        Assert.Equal(["pwd"], Strings(refreshed.Claims, "amr"));
        // No identity token on a refresh (OpenID Connect Core 1.0 §12.2 makes it optional; docs/identity.md): the login's names the session.
        Assert.Null(refreshed.IdToken);

        // The login is audited like the password grant's.
        using var audit = await identity.SendAsync(HttpMethod.Get, "/api/audit-events?action=login.succeeded", tokens.AccessToken);
        var entry = Assert.Single((await audit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray());
        Assert.Equal("pwd", entry.GetProperty("reason").GetString());
        Assert.Equal(ClientId, entry.GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task Without_offline_access_there_is_no_refresh_token_and_within_the_login_cookie_a_second_authorization_skips_the_page()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var pkce = Pkce.Create();

        var code = await CodeAsync(browser, user, AuthorizeUrl(pkce, ("scope", "openid")));
        var tokens = await TokensAsync(await ExchangeAsync(identity, code, pkce.Verifier));
        Assert.Null(tokens.RefreshToken);

        // The login cookie is still valid: straight back to the client with a code, for a new session.
        var again = Pkce.Create();
        using var silent = await browser.GetAsync(AuthorizeUrl(again, ("prompt", "none")), Ct);
        var callback = HttpUtility.ParseQueryString(Location(silent).Query);
        var second = await TokensAsync(await ExchangeAsync(identity, callback["code"]!, again.Verifier));
        Assert.NotEqual(tokens.Claims.GetProperty("sid").GetString(), second.Claims.GetProperty("sid").GetString());

        // prompt=login asks for the password again.
        using var forced = await browser.GetAsync(AuthorizeUrl(Pkce.Create(), ("prompt", "login")), Ct);
        Assert.Equal("/account/login", Location(forced).AbsolutePath);
    }

    [Fact]
    public async Task Without_a_login_prompt_none_answers_login_required_to_the_client()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();

        using var response = await browser.GetAsync(AuthorizeUrl(Pkce.Create(), ("prompt", "none")), Ct);

        var callback = Location(response);
        Assert.Equal(RedirectUri, callback.GetLeftPart(UriPartial.Path));
        Assert.Equal("login_required", HttpUtility.ParseQueryString(callback.Query)["error"]);
    }

    [Fact]
    public async Task A_user_with_TOTP_gets_the_second_step_and_a_right_code_completes_the_login_with_mfa_in_amr()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var totp = await identity.EnrolTotpAsync(user);
        var pkce = Pkce.Create();

        var form = ParseForm(await LoginPageAsync(browser, AuthorizeUrl(pkce)));
        using var password = await SubmitAsync(browser, form, ("email", user.Email), ("password", user.Password));
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        var mfaPage = await password.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Two-step verification", mfaPage, StringComparison.Ordinal);
        Assert.Contains("""<label for="code">""", mfaPage, StringComparison.Ordinal);
        var mfaForm = ParseForm(mfaPage);
        Assert.Equal("/account/login/mfa", mfaForm.Action);

        // The password alone signs nobody in.
        using var early = await browser.GetAsync(AuthorizeUrl(Pkce.Create()), Ct);
        Assert.Equal("/account/login", Location(early).AbsolutePath);

        // A wrong code: the step again, with the error.
        using var wrong = await SubmitAsync(browser, mfaForm, ("code", WrongCode(totp.Secret)));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var retry = await wrong.Content.ReadAsStringAsync(Ct);
        Assert.Contains("The code is not right, or was already used.", retry, StringComparison.Ordinal);

        using var right = await SubmitAsync(browser, ParseForm(retry), ("code", Totp.Code(totp.Secret, stepOffset: 1)));
        var callback = await CallbackAsync(browser, right);
        var tokens = await TokensAsync(await ExchangeAsync(identity, callback["code"]!, pkce.Verifier));
        Assert.Equal(["pwd", "mfa", "otp"], Strings(tokens.Claims, "amr"));
        Assert.Equal(user.OrganizationId.ToString(), tokens.Claims.GetProperty("org_id").GetString());

        // The code's steps are audited: the challenge, the wrong code, the success with its method.
        using var audit = await identity.SendAsync(HttpMethod.Get, $"/api/audit-events?actor={user.UserId}&pageSize=10", tokens.AccessToken);
        var actions = (await audit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("reason").GetString())).Take(3).ToList();
        Assert.Equal([("login.succeeded", "pwd+otp"), ("login.failed", "wrong or reused TOTP code"), ("login.mfa-required", null)], actions);
    }

    [Fact]
    public async Task A_recovery_code_completes_the_login_once()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var totp = await identity.EnrolTotpAsync(user);

        async Task<HttpResponseMessage> LoginWithRecoveryCodeAsync(HttpClient browser, Pkce pkce)
        {
            var form = ParseForm(await LoginPageAsync(browser, AuthorizeUrl(pkce)));
            using var password = await SubmitAsync(browser, form, ("email", user.Email), ("password", user.Password));
            return await SubmitAsync(browser, ParseForm(await password.Content.ReadAsStringAsync(Ct)), ("recovery_code", totp.RecoveryCodes[0]));
        }

        using var first = identity.CreateBrowser();
        var pkce = Pkce.Create();
        using var used = await LoginWithRecoveryCodeAsync(first, pkce);
        var tokens = await TokensAsync(await ExchangeAsync(identity, (await CallbackAsync(first, used))["code"]!, pkce.Verifier));
        Assert.Equal(["pwd", "mfa", "rc"], Strings(tokens.Claims, "amr"));

        using var second = identity.CreateBrowser();
        using var reused = await LoginWithRecoveryCodeAsync(second, Pkce.Create());
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("The recovery code is not right, or was already used.", await reused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_address_show_the_same_generic_error_and_sign_nobody_in()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var authorizeUrl = AuthorizeUrl(Pkce.Create());

        var form = ParseForm(await LoginPageAsync(browser, authorizeUrl));
        using var wrong = await SubmitAsync(browser, form, ("email", user.Email), ("password", "not the password at all"));
        using var unknown = await SubmitAsync(browser, form, ("email", IdentityClient.NewEmail()), ("password", "not the password at all"));

        foreach (var response in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync(Ct);
            Assert.Contains($"""<p class="error" role="alert">{GenericError}</p>""", html, StringComparison.Ordinal);
            Assert.Equal("/account/login", ParseForm(html).Action);
        }
        using var authorize = await browser.GetAsync(authorizeUrl, Ct);
        Assert.Equal("/account/login", Location(authorize).AbsolutePath);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_the_right_one_gets_the_generic_error()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var form = ParseForm(await LoginPageAsync(browser, AuthorizeUrl(Pkce.Create())));

        for (var i = 0; i < 5; i++)
        {
            using (await SubmitAsync(browser, form, ("email", user.Email), ("password", "not the password at all"))) { }
        }
        using var locked = await SubmitAsync(browser, form, ("email", user.Email), ("password", user.Password));

        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains(GenericError, await locked.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var grant = await identity.PasswordGrantAsync(user.Email, user.Password);
        Assert.Equal("invalid_grant", await ErrorAsync(grant));

        // Audited as for the password grant, in the user's organization (read by a second administrator).
        var colleague = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(colleague.UserId, user.OrganizationId, IdentityClient.OrgAdminRole);
        var token = await identity.AccessTokenAsync(colleague, user.OrganizationId);
        using var audit = await identity.SendAsync(HttpMethod.Get, $"/api/audit-events?actor={user.UserId}&pageSize=10", token);
        var actions = (await audit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("reason").GetString())).Take(4).ToList();
        // Newest first: the password grant, the page's right password, the lockout, the fifth wrong password.
        Assert.Equal([("login.failed", "locked out"), ("login.failed", "locked out"), ("account.locked-out", "too many failed attempts"), ("login.failed", "wrong password")], actions);
    }

    [Fact]
    public async Task An_unverified_address_is_refused_after_the_right_password()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterAsync();
        var form = ParseForm(await LoginPageAsync(browser, AuthorizeUrl(Pkce.Create())));

        using var response = await SubmitAsync(browser, form, ("email", user.Email), ("password", user.Password));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The e-mail address is not verified yet", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_forms_refuse_posts_without_the_antiforgery_token()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var form = ParseForm(await LoginPageAsync(browser, AuthorizeUrl(Pkce.Create())));
        var withoutToken = form with { Hidden = form.Hidden.Where(f => f.Key != "__antiforgery").ToDictionary() };
        Assert.NotEqual(form.Hidden.Count, withoutToken.Hidden.Count);

        using var password = await SubmitAsync(browser, withoutToken, ("email", user.Email), ("password", user.Password));
        Assert.Equal(HttpStatusCode.BadRequest, password.StatusCode);

        using var forged = await SubmitAsync(browser, withoutToken, ("__antiforgery", "forged"), ("email", user.Email), ("password", user.Password));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        using var mfa = await browser.PostAsync("/account/login/mfa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["returnUrl"] = form.Hidden["returnUrl"], ["mfa_token"] = "anything", ["code"] = "123456",
        }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, mfa.StatusCode);
    }

    [Fact]
    public async Task The_login_page_continues_only_this_servers_authorization_requests()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();

        using var response = await browser.GetAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString("https://evil.example/"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("<form", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_plain_code_challenge_and_a_wrong_verifier_are_refused()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();

        // Refused before any login page or code: 400 invalid_request, not sent back to the client.
        foreach (var overrides in new[] { new[] { ("code_challenge", (string?)null), ("code_challenge_method", (string?)null) }, [("code_challenge_method", "plain")] })
        {
            using var response = await browser.GetAsync(AuthorizeUrl(Pkce.Create(), overrides), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Contains("error:invalid_request", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var user = await identity.RegisterVerifiedAsync();
        var code = await CodeAsync(browser, user, AuthorizeUrl(Pkce.Create()));
        using var exchange = await ExchangeAsync(identity, code, Pkce.Create().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, exchange.StatusCode);
        Assert.Equal("invalid_grant", await ErrorAsync(exchange));
    }

    [Fact]
    public async Task A_code_works_once_and_its_reuse_revokes_what_it_gave()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var pkce = Pkce.Create();
        var code = await CodeAsync(browser, user, AuthorizeUrl(pkce));
        var tokens = await TokensAsync(await ExchangeAsync(identity, code, pkce.Verifier));

        using var reuse = await ExchangeAsync(identity, code, pkce.Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal("invalid_grant", await ErrorAsync(reuse));
        using var refresh = await RefreshAsync(identity, tokens.RefreshToken!);
        Assert.Equal("invalid_grant", await ErrorAsync(refresh));
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_is_refused_at_the_authorization_and_a_different_one_at_the_exchange()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();

        using var authorize = await browser.GetAsync(AuthorizeUrl(Pkce.Create(), ("redirect_uri", "https://evil.example/callback")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, authorize.StatusCode);
        Assert.Null(authorize.Headers.Location);

        var user = await identity.RegisterVerifiedAsync();
        var pkce = Pkce.Create();
        var code = await CodeAsync(browser, user, AuthorizeUrl(pkce));
        using var exchange = await ExchangeAsync(identity, code, pkce.Verifier, "http://localhost:5173/other");
        Assert.Equal(HttpStatusCode.BadRequest, exchange.StatusCode);
        Assert.Equal("invalid_grant", await ErrorAsync(exchange));
    }

    [Fact]
    public async Task Organization_id_chooses_the_organization_and_one_the_user_is_not_in_is_refused()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var other = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(user.UserId, other.OrganizationId, IdentityClient.NurseRole);
        var stranger = await identity.RegisterVerifiedAsync();

        using var browser = identity.CreateBrowser();
        var pkce = Pkce.Create();
        var code = await CodeAsync(browser, user, AuthorizeUrl(pkce, ("organization_id", other.OrganizationId.ToString())));
        var tokens = await TokensAsync(await ExchangeAsync(identity, code, pkce.Verifier));
        Assert.Equal(other.OrganizationId.ToString(), tokens.Claims.GetProperty("org_id").GetString());
        Assert.Equal(["Nurse"], Strings(tokens.Claims, "role"));

        using var refused = await browser.GetAsync(AuthorizeUrl(Pkce.Create(), ("organization_id", stranger.OrganizationId.ToString())), Ct);
        var callback = Location(refused);
        Assert.Equal(RedirectUri, callback.GetLeftPart(UriPartial.Path));
        Assert.Equal("access_denied", HttpUtility.ParseQueryString(callback.Query)["error"]);
    }

    [Fact]
    public async Task Userinfo_answers_the_claims_of_the_granted_scopes()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();

        async Task<JsonElement> UserInfoAsync(string scope)
        {
            var pkce = Pkce.Create();
            var code = await CodeAsync(browser, user, AuthorizeUrl(pkce, ("scope", scope), ("prompt", "login")));
            var tokens = await TokensAsync(await ExchangeAsync(identity, code, pkce.Verifier));
            using var response = await identity.SendAsync(HttpMethod.Get, "/connect/userinfo", tokens.AccessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }

        var full = await UserInfoAsync("openid profile email");
        Assert.Equal(user.UserId.ToString(), full.GetProperty("sub").GetString());
        Assert.Equal(user.Email, full.GetProperty("email").GetString());
        Assert.True(full.GetProperty("email_verified").GetBoolean());
        Assert.Equal("Gregory House", full.GetProperty("name").GetString());
        Assert.Equal("Gregory", full.GetProperty("given_name").GetString());
        Assert.Equal("House", full.GetProperty("family_name").GetString());
        Assert.Equal(user.OrganizationId.ToString(), full.GetProperty("org_id").GetString());

        var bare = await UserInfoAsync("openid");
        Assert.Equal(user.UserId.ToString(), bare.GetProperty("sub").GetString());
        Assert.False(bare.TryGetProperty("email", out _));
        Assert.False(bare.TryGetProperty("name", out _));

        using var anonymous = await identity.Http.GetAsync("/connect/userinfo", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var forged = await identity.SendAsync(HttpMethod.Get, "/connect/userinfo", "not.a.token");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task Endsession_with_the_id_token_ends_the_session_and_the_login_and_returns_to_the_registered_uri()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var pkce = Pkce.Create();
        var tokens = await TokensAsync(await ExchangeAsync(identity, await CodeAsync(browser, user, AuthorizeUrl(pkce)), pkce.Verifier));
        var other = await TokensAsync(await identity.PasswordGrantAsync(user.Email, user.Password));

        using var endSession = await browser.GetAsync("/connect/endsession?" + string.Join('&',
            $"id_token_hint={tokens.IdToken!}", $"post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutRedirectUri)}", "state=bye"), Ct);

        var back = Location(endSession);
        Assert.Equal(PostLogoutRedirectUri, back.GetLeftPart(UriPartial.Path));
        Assert.Equal("bye", HttpUtility.ParseQueryString(back.Query)["state"]);
        using var refresh = await RefreshAsync(identity, tokens.RefreshToken!);
        Assert.Equal("invalid_grant", await ErrorAsync(refresh));
        // Only that session ended.
        using var list = await identity.SendAsync(HttpMethod.Get, "/api/account/sessions", other.AccessToken);
        var remaining = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray());
        Assert.Equal(other.Claims.GetProperty("sid").GetString(), remaining.GetProperty("id").GetString());
        using (var stillWorks = await RefreshAsync(identity, other.RefreshToken!))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        }
        // The browser is logged out: the next authorization asks for the password.
        using var authorize = await browser.GetAsync(AuthorizeUrl(Pkce.Create()), Ct);
        Assert.Equal("/account/login", Location(authorize).AbsolutePath);

        using var audit = await identity.SendAsync(HttpMethod.Get, "/api/audit-events?action=session.revoked", other.AccessToken);
        var entry = Assert.Single((await audit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray());
        Assert.Contains(tokens.Claims.GetProperty("sid").GetString()!, entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endsession_without_a_hint_asks_to_confirm_then_ends_the_login_cookies_session_and_shows_the_signed_out_page()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();
        var user = await identity.RegisterVerifiedAsync();
        var pkce = Pkce.Create();
        var tokens = await TokensAsync(await ExchangeAsync(identity, await CodeAsync(browser, user, AuthorizeUrl(pkce)), pkce.Verifier));

        // A plain link (which another site could embed) only shows the confirmation.
        using var confirm = await browser.GetAsync("/connect/endsession", Ct);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var form = ParseForm(await confirm.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/connect/endsession", form.Action);
        using (var notYet = await RefreshAsync(identity, tokens.RefreshToken!))
        {
            Assert.Equal(HttpStatusCode.OK, notYet.StatusCode);
            tokens = tokens with { RefreshToken = (await notYet.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("refresh_token").GetString() };
        }
        // A forged form (no antiforgery token) is refused.
        using (var forged = await browser.PostAsync("/connect/endsession", new FormUrlEncodedContent([]), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using var endSession = await SubmitAsync(browser, form);
        var page = Location(endSession);
        Assert.Equal("/account/signed-out", page.IsAbsoluteUri ? page.AbsolutePath : page.OriginalString);
        using var signedOut = await browser.GetAsync(page, Ct);
        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.Contains("You are signed out", await signedOut.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var refresh = await RefreshAsync(identity, tokens.RefreshToken!);
        Assert.Equal("invalid_grant", await ErrorAsync(refresh));
    }

    [Fact]
    public async Task Endsession_refuses_an_unregistered_post_logout_uri()
    {
        using var identity = new IdentityClient(stack);
        using var browser = identity.CreateBrowser();

        using var response = await browser.GetAsync($"/connect/endsession?client_id={ClientId}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }
}
