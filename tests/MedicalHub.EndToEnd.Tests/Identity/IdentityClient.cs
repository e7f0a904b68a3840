using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>What a first-party app does against the Identity service (directly, or through the resource named by <paramref name="via"/>, e.g. the gateway), for the tests.</summary>
internal sealed class IdentityClient(StackFixture stack, string via = "identity") : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http { get; } = stack.CreateHttpClient(via);

    public sealed record Registered(Guid OrganizationId, Guid UserId, string Email, string Password);

    public static string NewEmail() => $"dr.{Guid.NewGuid():N}@example.org";

    public async Task<HttpResponseMessage> RegisterAsync(object body) => await Http.PostAsJsonAsync("/api/auth/register", body, Ct);

    public async Task<Registered> RegisterAsync(string? email = null, string password = "correct horse battery staple")
    {
        email ??= NewEmail();
        using var response = await RegisterAsync(new { organizationName = "Practice " + Guid.NewGuid().ToString("N")[..6], email, password, givenName = "Gregory", familyName = "House" });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return new Registered(body.GetProperty("organizationId").GetGuid(), body.GetProperty("userId").GetGuid(), email, password);
    }

    /// <summary>
    /// The verification token, read where Identity queued the e-mail (its outbox): the quickest way for tests about
    /// something else. <see cref="AccountEmailTests"/> read the same e-mails from the mailbox, through Communication.
    /// </summary>
    public Task<string> VerificationTokenAsync(Guid userId) => QueuedEmailTokenAsync("email.verify-address", userId);

    /// <summary>The token in the newest e-mail of the given type queued for the user in Identity's outbox.</summary>
    public async Task<string> QueuedEmailTokenAsync(string type, Guid userId)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var query = new NpgsqlCommand(
            "SELECT payload->>'token' FROM outbox_messages WHERE type = @type AND payload->>'userId' = @user ORDER BY id DESC LIMIT 1", db);
        query.Parameters.AddWithValue("type", type);
        query.Parameters.AddWithValue("user", userId.ToString());
        return (string)(await query.ExecuteScalarAsync(Ct) ?? throw new InvalidOperationException($"No {type} e-mail was queued."));
    }

    /// <summary>How many e-mails of the given type Identity has queued for the user.</summary>
    public async Task<long> QueuedEmailCountAsync(string type, Guid userId)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var query = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE type = @type AND payload->>'userId' = @user", db);
        query.Parameters.AddWithValue("type", type);
        query.Parameters.AddWithValue("user", userId.ToString());
        return (long)(await query.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>The newest invitation e-mail queued for an address: its payload (token, organizationName, inviterName...).</summary>
    public async Task<JsonElement> QueuedInvitationAsync(string email)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var query = new NpgsqlCommand(
            "SELECT payload::text FROM outbox_messages WHERE type = 'email.invitation' AND payload->>'email' = @email ORDER BY id DESC LIMIT 1", db);
        query.Parameters.AddWithValue("email", email);
        var payload = (string)(await query.ExecuteScalarAsync(Ct) ?? throw new InvalidOperationException($"No invitation e-mail was queued for {email}."));
        return JsonDocument.Parse(payload).RootElement.Clone();
    }

    /// <summary>Changes Identity's data directly, for states the API cannot reach in a test's time (an expired invitation, say).</summary>
    public async Task<int> ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Reads one value from Identity's database (what is stored at rest).</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteScalarAsync(Ct);
    }

    /// <summary>An administrator invites <paramref name="email"/> with <paramref name="roleId"/>; returns the token of the queued e-mail.</summary>
    public async Task<string> InviteAsync(string adminToken, string email, Guid roleId)
    {
        using var invited = await SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", adminToken, new { email, roleIds = new[] { roleId } });
        Assert.Equal(System.Net.HttpStatusCode.Created, invited.StatusCode);
        return (await QueuedInvitationAsync(email)).GetProperty("token").GetString()!;
    }

    public async Task<HttpResponseMessage> AcceptInvitationAsync(object body, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/invitations/accept") { Content = JsonContent.Create(body) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        return await Http.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> ClientCredentialsAsync(string clientId, string secret, string? scope = null) =>
        TokenAsync([("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), .. scope is null ? [] : new[] { ("scope", scope) }]);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    /// <summary>The actions of the organization's audit trail (newest first), as its administrator sees them.</summary>
    public async Task<string[]> AuditActionsAsync(string adminToken, string? action = null)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/audit-events?pageSize=200" + (action is null ? "" : "&action=" + action), adminToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return [.. (await JsonAsync(response)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!)];
    }

    public static readonly Guid OrgAdminRole = new("0195a000-0000-7000-8000-000000000001");
    public static readonly Guid PractitionerRole = new("0195a000-0000-7000-8000-000000000002");
    public static readonly Guid NurseRole = new("0195a000-0000-7000-8000-000000000003");
    public static readonly Guid ReceptionistRole = new("0195a000-0000-7000-8000-000000000004");

    /// <summary>Until invitations exist: makes a user a member of an organization directly in Identity's database.</summary>
    public async Task JoinAsync(Guid userId, Guid organizationId, Guid roleId)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var join = new NpgsqlCommand(
            "INSERT INTO memberships (id, organization_id, user_id, role_ids, is_active, created_at) VALUES (gen_random_uuid(), @org, @user, ARRAY[@role], true, now())", db);
        join.Parameters.AddWithValue("org", organizationId);
        join.Parameters.AddWithValue("user", userId);
        join.Parameters.AddWithValue("role", roleId);
        await join.ExecuteNonQueryAsync(Ct);
    }

    public async Task<string> AccessTokenAsync(Registered user, Guid? organizationId = null)
    {
        using var login = organizationId is null
            ? await PasswordGrantAsync(user.Email, user.Password)
            : await PasswordGrantAsync(user.Email, user.Password, ("organization_id", organizationId.Value.ToString()));
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request, Ct);
    }

    public async Task<HttpResponseMessage> VerifyEmailAsync(Guid userId, string token) =>
        await Http.PostAsJsonAsync("/api/auth/verify-email", new { userId, token }, Ct);

    public async Task<Registered> RegisterVerifiedAsync()
    {
        var registered = await RegisterAsync();
        using var verified = await VerifyEmailAsync(registered.UserId, await VerificationTokenAsync(registered.UserId));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, verified.StatusCode);
        return registered;
    }

    public async Task<HttpResponseMessage> TokenAsync(params (string Key, string Value)[] form) =>
        await Http.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))), Ct);

    public Task<HttpResponseMessage> PasswordGrantAsync(string email, string password, params (string Key, string Value)[] extra) =>
        TokenAsync([("grant_type", "password"), ("client_id", "medicalhub-web"), ("username", email), ("password", password), ("scope", "openid profile email offline_access"), .. extra]);

    /// <summary>A browser for the login page: keeps cookies and follows no redirect by itself (the tests follow each one).</summary>
    public HttpClient CreateBrowser()
    {
        var browser = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = stack.App.GetEndpoint("identity", "http"),
        };
        // Like every Identity client of the suite, from an address of its own (the login page is throttled per address).
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", StackFixture.TestAddress());
        return browser;
    }

    public sealed record TotpEnrolment(string Secret, string[] RecoveryCodes);

    /// <summary>Turns TOTP on for the user (confirmed with the current step's code, so a login must use another step's).</summary>
    public async Task<TotpEnrolment> EnrolTotpAsync(Registered user)
    {
        var token = await AccessTokenAsync(user);
        using var started = await SendAsync(HttpMethod.Post, "/api/account/mfa/totp", token);
        Assert.Equal(System.Net.HttpStatusCode.OK, started.StatusCode);
        var secret = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
        using var confirmed = await SendAsync(HttpMethod.Post, "/api/account/mfa/totp/confirm", token, new { code = Totp.Code(secret) });
        Assert.Equal(System.Net.HttpStatusCode.OK, confirmed.StatusCode);
        var codes = (await confirmed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        return new TotpEnrolment(secret, codes);
    }

    public static JsonElement Payload(string jwt) => JsonDocument.Parse(Base64Url(jwt.Split('.')[1])).RootElement.Clone();

    public static JsonElement Header(string jwt) => JsonDocument.Parse(Base64Url(jwt.Split('.')[0])).RootElement.Clone();

    /// <summary>Checks the signature (ES256 with an EC key, RS256 with an RSA key) against the key of the same kid in the JWKS.</summary>
    public async Task<bool> SignatureIsValidAsync(string jwt)
    {
        var jwks = await Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks", Ct);
        var kid = Header(jwt).GetProperty("kid").GetString();
        var key = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        var parts = jwt.Split('.');
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (key.GetProperty("kty").GetString() == "EC")
        {
            Assert.Equal("ES256", Header(jwt).GetProperty("alg").GetString());
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64Url(key.GetProperty("x").GetString()!), Y = Base64Url(key.GetProperty("y").GetString()!) },
            });
            return ecdsa.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256);
        }
        using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url(key.GetProperty("n").GetString()!), Exponent = Base64Url(key.GetProperty("e").GetString()!) });
        return rsa.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static byte[] Base64Url(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public void Dispose() => Http.Dispose();
}
