using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class RefreshTokenReuseTests(StackFixture stack)
{
    /// <summary>MedicalHub:Identity:RefreshTokenReuseLeeway's default: within it a rotated refresh token is still accepted.</summary>
    private static readonly TimeSpan ReuseLeeway = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> TokensAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static Task<HttpResponseMessage> RefreshAsync(IdentityClient identity, string refreshToken) =>
        identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"), ("refresh_token", refreshToken));

    [Fact]
    public async Task A_replayed_refresh_token_ends_the_session_revokes_its_newer_tokens_and_is_audited()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        using var login = await identity.PasswordGrantAsync(user.Email, user.Password);
        var first = await TokensAsync(login);
        var sessionId = IdentityClient.Payload(first.GetProperty("access_token").GetString()!).GetProperty("sid").GetString();
        var otherSession = await identity.AccessTokenAsync(user);

        using var rotated = await RefreshAsync(identity, first.GetProperty("refresh_token").GetString()!);
        var second = await TokensAsync(rotated);
        await Task.Delay(ReuseLeeway + TimeSpan.FromSeconds(1), Ct);

        using var replay = await RefreshAsync(identity, first.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", (await replay.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        using var newer = await RefreshAsync(identity, second.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, newer.StatusCode);

        using var sessions = await identity.SendAsync(HttpMethod.Get, "/api/account/sessions", otherSession);
        var ids = (await sessions.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain(sessionId, ids);
        Assert.Single(ids); // the other login's session stays

        using var events = await identity.SendAsync(HttpMethod.Get, "/api/audit-events?action=refresh-token.reused", otherSession);
        var audited = Assert.Single((await events.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray());
        Assert.Equal(user.UserId, audited.GetProperty("subjectUserId").GetGuid());
        Assert.Equal("medicalhub-web", audited.GetProperty("clientId").GetString());
        Assert.Contains(sessionId!, audited.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
