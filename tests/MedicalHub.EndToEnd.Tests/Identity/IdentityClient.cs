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
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return new Registered(body.GetProperty("organizationId").GetGuid(), body.GetProperty("userId").GetGuid(), email, password);
    }

    /// <summary>
    /// The verification token, read where Identity queued the e-mail (its outbox): until the Communication
    /// service delivers these e-mails, the outbox is the mailbox.
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

    public static readonly Guid OrgAdminRole = new("0195a000-0000-7000-8000-000000000001");
    public static readonly Guid PractitionerRole = new("0195a000-0000-7000-8000-000000000002");
    public static readonly Guid NurseRole = new("0195a000-0000-7000-8000-000000000003");

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

    public static JsonElement Payload(string jwt) => JsonDocument.Parse(Base64Url(jwt.Split('.')[1])).RootElement.Clone();

    public static JsonElement Header(string jwt) => JsonDocument.Parse(Base64Url(jwt.Split('.')[0])).RootElement.Clone();

    /// <summary>Checks an RS256 signature against the key of the same kid in the JWKS.</summary>
    public async Task<bool> SignatureIsValidAsync(string jwt)
    {
        var jwks = await Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks", Ct);
        var kid = Header(jwt).GetProperty("kid").GetString();
        var key = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url(key.GetProperty("n").GetString()!), Exponent = Base64Url(key.GetProperty("e").GetString()!) });
        var parts = jwt.Split('.');
        return rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static byte[] Base64Url(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public void Dispose() => Http.Dispose();
}
