using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class PasswordTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Session(string AccessToken, string RefreshToken);

    private static async Task<Session> LoginAsync(IdentityClient identity, string email, string password)
    {
        using var login = await identity.PasswordGrantAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return new Session(tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("refresh_token").GetString()!);
    }

    private static async Task<HttpStatusCode> RefreshAsync(IdentityClient identity, Session session)
    {
        using var response = await identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"), ("refresh_token", session.RefreshToken));
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> ChangeAsync(IdentityClient identity, Session session, string current, string next)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/password") { Content = JsonContent.Create(new { currentPassword = current, newPassword = next }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        return await identity.Http.SendAsync(request, Ct);
    }

    private static async Task<string[]> ErrorKeysAsync(HttpResponseMessage response) =>
        [.. (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").EnumerateObject().Select(e => e.Name)];

    [Fact]
    public async Task Changing_the_password_keeps_this_session_and_ends_the_others()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var here = await LoginAsync(identity, user.Email, user.Password);
        var elsewhere = await LoginAsync(identity, user.Email, user.Password);

        using var wrongCurrent = await ChangeAsync(identity, here, "not the current one", "a brand new passphrase");
        Assert.Equal(HttpStatusCode.BadRequest, wrongCurrent.StatusCode);
        Assert.Equal(["currentPassword"], await ErrorKeysAsync(wrongCurrent));

        using var same = await ChangeAsync(identity, here, user.Password, user.Password);
        Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
        Assert.Equal(["newPassword"], await ErrorKeysAsync(same));

        using var changed = await ChangeAsync(identity, here, user.Password, "a brand new passphrase");
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(identity, here));
        Assert.Equal(HttpStatusCode.BadRequest, await RefreshAsync(identity, elsewhere));
        using var oldPassword = await identity.PasswordGrantAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.BadRequest, oldPassword.StatusCode);
        await LoginAsync(identity, user.Email, "a brand new passphrase");
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_by_the_e_mailed_token_and_every_session_ends()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var session = await LoginAsync(identity, user.Email, user.Password);

        using var unknown = await identity.Http.PostAsJsonAsync("/api/auth/forgot-password", new { email = IdentityClient.NewEmail() }, Ct);
        using var known = await identity.Http.PostAsJsonAsync("/api/auth/forgot-password", new { email = user.Email }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(Ct), await known.Content.ReadAsStringAsync(Ct));
        var token = await identity.QueuedEmailTokenAsync("email.reset-password", user.UserId);

        using var forged = await identity.Http.PostAsJsonAsync("/api/auth/reset-password", new { userId = user.UserId, token = "forged", newPassword = "the reset passphrase" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(["token"], await ErrorKeysAsync(forged));

        using var reused = await identity.Http.PostAsJsonAsync("/api/auth/reset-password", new { userId = user.UserId, token, newPassword = user.Password }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal(["newPassword"], await ErrorKeysAsync(reused));

        using var reset = await identity.Http.PostAsJsonAsync("/api/auth/reset-password", new { userId = user.UserId, token, newPassword = "the reset passphrase" }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, await RefreshAsync(identity, session));
        await LoginAsync(identity, user.Email, "the reset passphrase");
        using var again = await identity.Http.PostAsJsonAsync("/api/auth/reset-password", new { userId = user.UserId, token, newPassword = "yet another passphrase" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // the token was for the old password
    }

    [Fact]
    public async Task None_of_the_last_five_passwords_can_be_chosen_again()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var passwords = new[] { user.Password, "second passphrase here", "third passphrase here", "fourth passphrase here", "fifth passphrase here", "sixth passphrase here" };

        for (var i = 1; i < passwords.Length; i++)
        {
            var session = await LoginAsync(identity, user.Email, passwords[i - 1]);
            using var changed = await ChangeAsync(identity, session, passwords[i - 1], passwords[i]);
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        var current = await LoginAsync(identity, user.Email, passwords[^1]);
        foreach (var recent in passwords[2..])
        {
            using var refused = await ChangeAsync(identity, current, passwords[^1], recent);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        // The first password is now six changes old: allowed again.
        using var allowed = await ChangeAsync(identity, current, passwords[^1], passwords[0]);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
    }
}
