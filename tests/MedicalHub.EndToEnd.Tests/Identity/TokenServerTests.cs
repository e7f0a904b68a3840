using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class TokenServerTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Discovery_names_the_issuer_the_endpoints_and_a_published_signing_key()
    {
        using var identity = new IdentityClient(stack);

        var discovery = await identity.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Ct);

        var issuer = discovery.GetProperty("issuer").GetString();
        // The public URL: the gateway's, which fronts Identity in the full stack.
        Assert.Equal(stack.App.GetEndpoint("gateway", "http").ToString(), issuer);
        // Asked directly, Identity names its own address for the endpoints (through the gateway: the gateway's, see GatewayRoutingTests).
        Assert.Equal($"{stack.App.GetEndpoint("identity", "http")}connect/token", discovery.GetProperty("token_endpoint").GetString());
        var grants = discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("password", grants);
        Assert.Contains("refresh_token", grants);
        var jwks = await identity.Http.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery, Ct);
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        // ECDSA P-256 (ES256): a tenth of an RSA-2048 signature's cost per token (docs/benchmarks.md).
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _), "the JWKS must not publish the private key");
    }

    [Fact]
    public async Task A_verified_user_gets_a_signed_five_minute_access_token_with_organization_roles_and_permissions()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();

        using var response = await identity.PasswordGrantAsync(user.Email, user.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
        // expires_in counts from the moment the response is written, so it may read a second short.
        Assert.InRange(tokens.GetProperty("expires_in").GetInt32(), 298, 300);
        Assert.True(await identity.SignatureIsValidAsync(accessToken));

        var header = IdentityClient.Header(accessToken);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        var claims = IdentityClient.Payload(accessToken);
        Assert.Equal(user.UserId.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal(user.OrganizationId.ToString(), claims.GetProperty("org_id").GetString());
        Assert.Equal("OrgAdmin", claims.GetProperty("role").GetString());
        var permissions = claims.GetProperty("permission").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("users:manage", permissions);
        Assert.Contains("audit:read", permissions);
        var audiences = claims.GetProperty("aud").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(["identity", "content", "communication", "workflow"], audiences);
        Assert.True(claims.GetProperty("email_verified").GetBoolean());
        Assert.Equal("pwd", claims.GetProperty("amr").GetString());
        Assert.True(Guid.TryParse(claims.GetProperty("sid").GetString(), out _));
        Assert.Equal(300, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task A_refresh_keeps_the_session_and_organization_and_rotates_the_refresh_token()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        using var login = await identity.PasswordGrantAsync(user.Email, user.Password);
        var first = await login.Content.ReadFromJsonAsync<JsonElement>(Ct);

        using var refresh = await identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"),
            ("refresh_token", first.GetProperty("refresh_token").GetString()!));

        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var second = await refresh.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.NotEqual(first.GetProperty("refresh_token").GetString(), second.GetProperty("refresh_token").GetString());
        var before = IdentityClient.Payload(first.GetProperty("access_token").GetString()!);
        var after = IdentityClient.Payload(second.GetProperty("access_token").GetString()!);
        Assert.Equal(before.GetProperty("sid").GetString(), after.GetProperty("sid").GetString());
        Assert.Equal(before.GetProperty("org_id").GetString(), after.GetProperty("org_id").GetString());
    }

    [Fact]
    public async Task Login_is_refused_until_the_email_address_is_verified()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterAsync();

        using var refused = await identity.PasswordGrantAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Contains("not verified", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);

        using var badToken = await identity.VerifyEmailAsync(user.UserId, "not-the-token");
        Assert.Equal(HttpStatusCode.BadRequest, badToken.StatusCode);

        using var verified = await identity.VerifyEmailAsync(user.UserId, await identity.VerificationTokenAsync(user.UserId));
        Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        using var accepted = await identity.PasswordGrantAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Unknown_user_wrong_password_and_locked_account_all_get_the_same_answer()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();

        async Task<string> DescriptionAsync(string email, string password)
        {
            using var response = await identity.PasswordGrantAsync(email, password);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
            return error.GetProperty("error_description").GetString()!;
        }

        var unknown = await DescriptionAsync(IdentityClient.NewEmail(), user.Password);
        var wrong = await DescriptionAsync(user.Email, "not the password at all");
        for (var i = 0; i < 4; i++)
        {
            await DescriptionAsync(user.Email, "still not the password");
        }
        var locked = await DescriptionAsync(user.Email, user.Password); // right password, but locked after 5 failures

        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, locked);
    }

    [Fact]
    public async Task Token_requests_that_break_the_protocol_get_OAuth_errors_not_server_errors()
    {
        using var identity = new IdentityClient(stack);

        using var unknownGrant = await identity.TokenAsync(("grant_type", "urn:example:nonsense"), ("client_id", "medicalhub-web"));
        using var noClient = await identity.TokenAsync(("grant_type", "password"), ("username", "a@example.org"), ("password", "x"));
        using var unknownClient = await identity.TokenAsync(("grant_type", "password"), ("client_id", "who-knows"), ("username", "a@example.org"), ("password", "x"));
        using var badRefresh = await identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"), ("refresh_token", "forged"));

        foreach (var response in new[] { unknownGrant, noClient, unknownClient, badRefresh })
        {
            Assert.InRange((int)response.StatusCode, 400, 401);
            var error = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.False(string.IsNullOrEmpty(error.GetProperty("error").GetString()));
        }
    }
}
