using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary><c>/connect/introspect</c> (RFC 7662) for the services: a token is active only while its session is.</summary>
public sealed class IntrospectionTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly IdentityClient _identity = new(stack);

    public void Dispose() => _identity.Dispose();

    private async Task<JsonElement> IntrospectAsync(string clientId, string secret, string token)
    {
        using var response = await _identity.Http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["client_secret"] = secret, ["token"] = token,
        }), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await IdentityClient.JsonAsync(response);
    }

    [Fact]
    public async Task A_service_sees_a_users_access_token_active_until_its_session_ends()
    {
        var user = await _identity.RegisterVerifiedAsync();
        using var login = await _identity.PasswordGrantAsync(user.Email, user.Password);
        var tokens = await IdentityClient.JsonAsync(login);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var contentSecret = await stack.ParameterAsync("content-client-secret");

        var active = await IntrospectAsync("content", contentSecret, accessToken);
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal(user.UserId.ToString(), active.GetProperty("sub").GetString());

        // Logout through the revocation endpoint ends the session: its unexpired access token is no longer active.
        using (var revoked = await _identity.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "medicalhub-web", ["token"] = tokens.GetProperty("refresh_token").GetString()!, ["token_type_hint"] = "refresh_token",
        }), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }
        var afterLogout = await IntrospectAsync("content", contentSecret, accessToken);
        Assert.False(afterLogout.GetProperty("active").GetBoolean());
        Assert.False(afterLogout.TryGetProperty("sub", out _));
    }

    [Fact]
    public async Task Only_a_registered_service_with_its_secret_may_introspect()
    {
        var user = await _identity.RegisterVerifiedAsync();
        var accessToken = await _identity.AccessTokenAsync(user);

        using var wrongSecret = await _identity.Http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "content", ["client_secret"] = "not the secret", ["token"] = accessToken,
        }), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);

        // The public web client holds no secret and has no introspection permission.
        using var publicClient = await _identity.Http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "medicalhub-web", ["token"] = accessToken,
        }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, publicClient.StatusCode);
        Assert.False((await IdentityClient.JsonAsync(publicClient)).TryGetProperty("active", out _));
    }
}
