using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Gateway;

/// <summary>One login through the gateway reaches every service's API through the gateway, each service checking the token itself.</summary>
public sealed class GatewayServiceReachTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_logged_in_through_the_gateway_reaches_all_four_services_through_it()
    {
        using var identity = new IdentityClient(stack, via: GatewayUnderTest.Name);
        var user = await identity.RegisterVerifiedAsync();
        var token = await identity.AccessTokenAsync(user);
        using var gateway = GatewayClient.Create(stack);

        // Workflow: create through the gateway, then read it back.
        using (var create = GatewayClient.Request(HttpMethod.Post, "/api/care-pathways", token))
        {
            create.Content = JsonContent.Create(new { name = "Created through the gateway" });
            using var created = await gateway.SendAsync(create, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var (path, service) in new[]
        {
            ("/api/account/profile", "identity"),
            ("/api/notifications", "communication"),
            ("/api/documents", "content"),
            ("/api/care-pathways", "workflow"),
        })
        {
            using var response = await gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, path, token), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service}: {(int)response.StatusCode}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            if (service == "workflow")
            {
                Assert.Equal("Created through the gateway", Assert.Single(body.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
            }
        }
    }

    [Theory]
    [InlineData("content", "/api/documents", "/api/documents/{id}")]
    [InlineData("workflow", "/api/care-pathways", "/api/care-pathways/{id}")]
    public async Task The_api_reference_at_the_gateway_describes_the_new_endpoints_with_their_responses(string service, string list, string item)
    {
        using var gateway = GatewayClient.Create(stack);

        var paths = (await gateway.GetFromJsonAsync<JsonElement>($"/openapi/{service}/v1.json", Ct)).GetProperty("paths");

        var get = paths.GetProperty(item).GetProperty("get").GetProperty("responses");
        Assert.True(get.TryGetProperty("200", out _));
        Assert.True(get.TryGetProperty("404", out _));
        Assert.True(paths.GetProperty(list).GetProperty("get").GetProperty("responses").TryGetProperty("400", out _));
    }
}
