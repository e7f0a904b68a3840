using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>What a caller of the Communication service does, for the tests: with a user's real token from Identity.</summary>
internal sealed class CommunicationClient(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http { get; } = stack.CreateHttpClient("communication");

    public IdentityClient Identity { get; } = new(stack);

    /// <summary>A user of a new organization, its OrgAdmin (every permission), with an access token.</summary>
    public sealed record Caller(IdentityClient.Registered User, string Token)
    {
        public Guid OrganizationId => User.OrganizationId;
    }

    public async Task<Caller> NewOrganizationAdminAsync()
    {
        var user = await Identity.RegisterVerifiedAsync();
        return new Caller(user, await Identity.AccessTokenAsync(user));
    }

    /// <summary>Another user who joins <paramref name="organization"/> with <paramref name="roleId"/>, with a token for it.</summary>
    public async Task<Caller> MemberAsync(Caller organization, Guid roleId)
    {
        var user = await Identity.RegisterVerifiedAsync();
        await Identity.JoinAsync(user.UserId, organization.OrganizationId, roleId);
        return new Caller(user with { OrganizationId = organization.OrganizationId }, await Identity.AccessTokenAsync(user, organization.OrganizationId));
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await Http.SendAsync(request, Ct);
    }

    /// <summary>Sends a notification and expects it accepted; returns its id.</summary>
    public async Task<Guid> NotifyAsync(Caller caller, object body, string? idempotencyKey = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/notifications", caller.Token, body, idempotencyKey);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = accepted.GetProperty("id").GetGuid();
        Assert.Equal($"/api/notifications/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    public async Task<JsonElement> GetAsync(Caller caller, Guid id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/notifications/{id}", caller.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Polls the notification until <paramref name="done"/> holds (the engine works in the background); fails after a minute.</summary>
    public async Task<JsonElement> WaitForAsync(Caller caller, Guid id, Func<JsonElement, bool> done)
    {
        JsonElement last = default;
        for (var i = 0; i < 240; i++)
        {
            last = await GetAsync(caller, id);
            if (done(last))
            {
                return last;
            }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"The notification never reached the expected state; last seen: {last}");
        return last;
    }

    public static Func<JsonElement, bool> StatusIs(string status) => n => n.GetProperty("status").GetString() == status;

    public static JsonElement Channel(JsonElement notification, string channel) =>
        notification.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == channel);

    public void Dispose()
    {
        Http.Dispose();
        Identity.Dispose();
    }
}
