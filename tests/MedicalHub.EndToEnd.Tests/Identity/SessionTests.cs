using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class SessionTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Session(string AccessToken, string RefreshToken, string Id);

    private static async Task<Session> LoginAsync(IdentityClient identity, IdentityClient.Registered user, string device)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password", ["client_id"] = "medicalhub-web", ["username"] = user.Email, ["password"] = user.Password,
                ["scope"] = "openid offline_access",
            }),
        };
        request.Headers.UserAgent.ParseAdd(device);
        using var response = await identity.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var access = tokens.GetProperty("access_token").GetString()!;
        return new Session(access, tokens.GetProperty("refresh_token").GetString()!, IdentityClient.Payload(access).GetProperty("sid").GetString()!);
    }

    private static async Task<HttpResponseMessage> SendAsync(IdentityClient identity, HttpMethod method, string path, Session session)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        return await identity.Http.SendAsync(request, Ct);
    }

    private static async Task<HttpStatusCode> RefreshAsync(IdentityClient identity, Session session)
    {
        using var response = await identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"), ("refresh_token", session.RefreshToken));
        return response.StatusCode;
    }

    [Fact]
    public async Task The_session_list_shows_each_device_and_ending_one_stops_its_refresh_tokens()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var laptop = await LoginAsync(identity, user, "Laptop/1.0");
        var phone = await LoginAsync(identity, user, "Phone/2.0");

        using var list = await SendAsync(identity, HttpMethod.Get, "/api/account/sessions", laptop);
        var sessions = (await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal(laptop.Id, current.GetProperty("id").GetString());
        Assert.Equal("Laptop/1.0", current.GetProperty("device").GetString());
        Assert.Contains(sessions, s => s.GetProperty("device").GetString() == "Phone/2.0");

        using var revoked = await SendAsync(identity, HttpMethod.Delete, $"/api/account/sessions/{phone.Id}", laptop);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, await RefreshAsync(identity, phone));
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(identity, laptop));
        using var after = await SendAsync(identity, HttpMethod.Get, "/api/account/sessions", laptop);
        Assert.Single((await after.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Ending_all_other_sessions_keeps_this_one()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var here = await LoginAsync(identity, user, "Here/1.0");
        var others = new[] { await LoginAsync(identity, user, "A/1.0"), await LoginAsync(identity, user, "B/1.0") };

        using var response = await SendAsync(identity, HttpMethod.Post, "/api/account/sessions/revoke-others", here);

        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("count").GetInt32());
        foreach (var other in others)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await RefreshAsync(identity, other));
        }
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(identity, here));
    }

    [Fact]
    public async Task Nobody_can_end_another_user_s_session()
    {
        using var identity = new IdentityClient(stack);
        var alice = await LoginAsync(identity, await identity.RegisterVerifiedAsync(), "Alice/1.0");
        var mallory = await LoginAsync(identity, await identity.RegisterVerifiedAsync(), "Mallory/1.0");

        using var attempt = await SendAsync(identity, HttpMethod.Delete, $"/api/account/sessions/{alice.Id}", mallory);
        using var notAGuid = await SendAsync(identity, HttpMethod.Delete, "/api/account/sessions/not-a-guid", mallory);

        Assert.Equal(HttpStatusCode.NotFound, attempt.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAGuid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(identity, alice));
    }

    [Fact]
    public async Task Revoking_a_refresh_token_at_the_revocation_endpoint_ends_its_session_and_is_audited()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var app = await LoginAsync(identity, user, "App/1.0");
        var other = await LoginAsync(identity, user, "Other/1.0");

        using var revoked = await identity.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "medicalhub-web", ["token"] = app.RefreshToken, ["token_type_hint"] = "refresh_token",
        }), Ct);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, await RefreshAsync(identity, app));
        using var list = await SendAsync(identity, HttpMethod.Get, "/api/account/sessions", other);
        var ids = (await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal([other.Id], ids);
        using var profile = await SendAsync(identity, HttpMethod.Get, "/api/account/profile", app);
        Assert.Equal(HttpStatusCode.Unauthorized, profile.StatusCode); // the session's access token too
        Assert.Contains("token.revoked", await identity.AuditActionsAsync(other.AccessToken, "token.revoked"));
    }
}
