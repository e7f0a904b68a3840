using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Gateway;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Security;

/// <summary>
/// An ended session's access tokens, still signed and unexpired, are refused at the gateway, at the services
/// (Communication, Content, Workflow, each polling on its own) and at Identity's own API within seconds, while the user's other sessions keep working.
/// </summary>
public sealed class SessionRevocationTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A functional bound, well above the designed 5 s, so a busy machine doesn't fail the test; no speed is measured.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private const string Notifications = "/api/notifications";

    private readonly IdentityClient _identity = new(stack);
    private readonly HttpClient _gateway = GatewayClient.Create(stack);
    private readonly HttpClient _communication = stack.CreateHttpClient("communication");
    private readonly HttpClient _content = stack.CreateHttpClient("content");
    private readonly HttpClient _workflow = stack.CreateHttpClient("workflow");

    public void Dispose()
    {
        _identity.Dispose();
        _gateway.Dispose();
        _communication.Dispose();
        _content.Dispose();
        _workflow.Dispose();
    }

    private sealed record Session(string AccessToken, string Id);

    [Fact]
    public async Task Ending_one_session_refuses_its_tokens_at_the_gateway_and_the_service_and_the_other_session_keeps_working()
    {
        var user = await _identity.RegisterVerifiedAsync();
        var laptop = await LoginAsync(user);
        var phone = await LoginAsync(user);
        await AssertAcceptedEverywhereAsync(laptop);
        await AssertAcceptedEverywhereAsync(phone);

        using var revoked = await _identity.SendAsync(HttpMethod.Delete, $"/api/account/sessions/{phone.Id}", laptop.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        await AssertRefusedEverywhereSoonAsync(phone);
        await AssertAcceptedEverywhereAsync(laptop);
    }

    [Fact]
    public async Task Ending_all_other_sessions_refuses_their_tokens_but_not_this_session_s()
    {
        var user = await _identity.RegisterVerifiedAsync();
        var here = await LoginAsync(user);
        var other = await LoginAsync(user);
        await AssertAcceptedEverywhereAsync(other);

        using var revoked = await _identity.SendAsync(HttpMethod.Post, "/api/account/sessions/revoke-others", here.AccessToken);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        await AssertRefusedEverywhereSoonAsync(other);
        await AssertAcceptedEverywhereAsync(here);
    }

    [Fact]
    public async Task A_password_reset_refuses_the_tokens_of_every_session_of_the_user()
    {
        var user = await _identity.RegisterVerifiedAsync();
        var session = await LoginAsync(user);
        var someoneElse = await LoginAsync(await _identity.RegisterVerifiedAsync());
        await AssertAcceptedEverywhereAsync(session);

        using var forgot = await _identity.Http.PostAsJsonAsync("/api/auth/forgot-password", new { email = user.Email }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        var token = await _identity.QueuedEmailTokenAsync("email.reset-password", user.UserId);
        using var reset = await _identity.Http.PostAsJsonAsync("/api/auth/reset-password", new { userId = user.UserId, token, newPassword = "the reset passphrase" }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        await AssertRefusedEverywhereSoonAsync(session);
        await AssertAcceptedEverywhereAsync(someoneElse);
    }

    [Fact]
    public async Task Only_a_service_client_with_the_permission_reads_the_revocations_and_its_token_reaches_nothing_else_at_Identity()
    {
        var user = await _identity.RegisterVerifiedAsync();
        var laptop = await LoginAsync(user);
        var phone = await LoginAsync(user);
        using (var revoked = await _identity.SendAsync(HttpMethod.Delete, $"/api/account/sessions/{phone.Id}", laptop.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        const string path = "/api/internal/session-revocations";

        // A service client configured for it (communication) asks for the identity audience explicitly.
        using var granted = await _identity.ClientCredentialsAsync("communication", await stack.ParameterAsync("communication-client-secret"), "identity");
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var serviceToken = (await IdentityClient.JsonAsync(granted)).GetProperty("access_token").GetString()!;
        using (var list = await _identity.SendAsync(HttpMethod.Get, path, serviceToken))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var sessions = (await IdentityClient.JsonAsync(list)).GetProperty("sessions").EnumerateArray().ToList();
            var phoneRevocation = Assert.Single(sessions, s => s.GetProperty("sessionId").GetString() == phone.Id);
            Assert.True(phoneRevocation.GetProperty("refuseUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow);
            Assert.DoesNotContain(sessions, s => s.GetProperty("sessionId").GetString() == laptop.Id);
        }

        // That token is for the revocations only: the people's endpoints refuse it.
        using (var profile = await _identity.SendAsync(HttpMethod.Get, "/api/account/profile", serviceToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, profile.StatusCode);
        }
        // A user (an administrator holding every catalogue permission) may not read it.
        using (var byUser = await _identity.SendAsync(HttpMethod.Get, path, laptop.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byUser.StatusCode);
        }
        // A service client not configured for the identity audience (Identity's own) can't get such a token.
        using (var notConfigured = await _identity.ClientCredentialsAsync("identity", await stack.ParameterAsync("identity-client-secret"), "identity"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notConfigured.StatusCode);
        }
        // Without asking for it, a service's token is not for Identity.
        using (var unasked = await _identity.ClientCredentialsAsync("communication", await stack.ParameterAsync("communication-client-secret")))
        {
            var audiences = IdentityClient.Payload((await IdentityClient.JsonAsync(unasked)).GetProperty("access_token").GetString()!).GetProperty("aud");
            Assert.DoesNotContain("identity", audiences.ValueKind == JsonValueKind.Array ? audiences.EnumerateArray().Select(a => a.GetString()) : [audiences.GetString()]);
        }
        // The gateway doesn't publish it.
        using (var throughGateway = await _gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, path, serviceToken), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, throughGateway.StatusCode);
        }
    }

    private async Task<Session> LoginAsync(IdentityClient.Registered user)
    {
        using var response = await _identity.PasswordGrantAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var access = (await IdentityClient.JsonAsync(response)).GetProperty("access_token").GetString()!;
        return new Session(access, IdentityClient.Payload(access).GetProperty("sid").GetString()!);
    }

    private async Task<(HttpStatusCode Gateway, HttpStatusCode Service, HttpStatusCode Identity, HttpStatusCode Content, HttpStatusCode Workflow)> StatusesAsync(Session session)
    {
        using var viaGateway = await _gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, Notifications, session.AccessToken), Ct);
        using var atService = await DirectAsync(_communication, Notifications, session);
        using var atIdentity = await _identity.SendAsync(HttpMethod.Get, "/api/account/profile", session.AccessToken);
        using var atContent = await DirectAsync(_content, "/api/documents", session);
        using var atWorkflow = await DirectAsync(_workflow, "/api/care-pathways", session);
        return (viaGateway.StatusCode, atService.StatusCode, atIdentity.StatusCode, atContent.StatusCode, atWorkflow.StatusCode);
    }

    private static async Task<HttpResponseMessage> DirectAsync(HttpClient service, string path, Session session)
    {
        using var direct = new HttpRequestMessage(HttpMethod.Get, path);
        direct.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        return await service.SendAsync(direct, Ct);
    }

    private async Task AssertAcceptedEverywhereAsync(Session session) =>
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), await StatusesAsync(session));

    private async Task AssertRefusedEverywhereSoonAsync(Session session)
    {
        var giveUpAt = DateTimeOffset.UtcNow + Deadline;
        var statuses = await StatusesAsync(session);
        var refused = (HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized);
        while (statuses != refused && DateTimeOffset.UtcNow < giveUpAt)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
            statuses = await StatusesAsync(session);
        }
        Assert.Equal(refused, statuses);
    }
}
