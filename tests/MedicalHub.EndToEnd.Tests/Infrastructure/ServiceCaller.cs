using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;

namespace MedicalHub.EndToEnd.Tests.Infrastructure;

/// <summary>Calls one service (directly, or through the gateway) with users' real tokens from Identity; makes organizations and members.</summary>
internal sealed class ServiceCaller(StackFixture stack, string service) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http { get; } = stack.CreateHttpClient(service);

    public IdentityClient Identity { get; } = new(stack);

    /// <summary>A user acting in one organization, with a token for it.</summary>
    public sealed record User(IdentityClient.Registered Account, string Token)
    {
        public Guid OrganizationId => Account.OrganizationId;
    }

    /// <summary>The administrator (every permission) of a new organization.</summary>
    public async Task<User> NewOrganizationAdminAsync()
    {
        var account = await Identity.RegisterVerifiedAsync();
        return new User(account, await Identity.AccessTokenAsync(account));
    }

    /// <summary>A new user who joins <paramref name="organization"/> with <paramref name="roleId"/>, with a token for it.</summary>
    public async Task<User> MemberAsync(User organization, Guid roleId)
    {
        var account = await Identity.RegisterVerifiedAsync();
        await Identity.JoinAsync(account.UserId, organization.OrganizationId, roleId);
        return new User(account with { OrganizationId = organization.OrganizationId }, await Identity.AccessTokenAsync(account, organization.OrganizationId));
    }

    /// <summary>A custom role of <paramref name="admin"/>'s organization holding exactly <paramref name="permissions"/>.</summary>
    public async Task<Guid> CustomRoleAsync(User admin, params string[] permissions)
    {
        using var created = await Identity.SendAsync(HttpMethod.Post, "/api/organizations/current/roles", admin.Token,
            new { name = $"Test role {Guid.NewGuid():N}"[..30], permissions });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return (await IdentityClient.JsonAsync(created)).GetProperty("id").GetGuid();
    }

    /// <summary>A service's client-credentials token (no organization) for <paramref name="audience"/>.</summary>
    public async Task<string> ServiceTokenAsync(string clientId, string audience)
    {
        using var granted = await Identity.ClientCredentialsAsync(clientId, await stack.ParameterAsync($"{clientId}-client-secret"), audience);
        Assert.Equal(System.Net.HttpStatusCode.OK, granted.StatusCode);
        return (await IdentityClient.JsonAsync(granted)).GetProperty("access_token").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await Http.SendAsync(request, Ct);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    public void Dispose()
    {
        Http.Dispose();
        Identity.Dispose();
    }
}
