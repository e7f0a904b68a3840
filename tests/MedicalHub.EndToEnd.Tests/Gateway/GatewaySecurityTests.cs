using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using MedicalHub.EndToEnd.Tests.Security;

namespace MedicalHub.EndToEnd.Tests.Gateway;

public sealed class GatewaySecurityTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> BadTokens => new()
    {
        "missing", "garbage", "tampered-payload", "tampered-signature", "alg-none", "hs256-with-the-public-key-id",
        "expired", "wrong-issuer", "wrong-audience", "not-an-access-token",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Forged_unsigned_expired_and_misdirected_tokens_get_401_at_the_gateway(string kind)
    {
        var (token, _) = await SignedInAsync();
        var bad = await ForgedTokens.MakeAsync(stack, kind, token, otherAudience: "someone-else");

        using var gateway = GatewayClient.Create(stack);
        foreach (var path in new[] { "/api/account/profile", "/test-echo/who-am-i" })
        {
            using var response = await gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, path, bad), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.True(response.Headers.WwwAuthenticate.Count > 0);
        }
    }

    [Fact]
    public async Task A_token_forged_with_the_real_key_and_right_claims_passes_so_the_forgeries_above_fail_for_their_one_defect()
    {
        var (token, _) = await SignedInAsync();
        var control = await ForgedTokens.MakeAsync(stack, "control", token, otherAudience: "someone-else");
        using var gateway = GatewayClient.Create(stack);

        using var response = await gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, "/test-echo/who-am-i", control), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Spoofed_user_tenant_and_permission_headers_are_replaced_by_the_tokens_on_the_way_to_the_service()
    {
        var (token, user) = await SignedInAsync();
        using var gateway = GatewayClient.Create(stack);

        using var request = GatewayClient.Request(HttpMethod.Get, "/test-echo/who-am-i", token);
        Spoof(request);
        using var response = await gateway.SendAsync(request, Ct);

        var forwarded = await GatewayRoutingTests.ForwardedAsync(response);
        Assert.Equal([user.UserId.ToString()], forwarded["x-user-id"]);
        Assert.Equal([user.OrganizationId.ToString()], forwarded["x-tenant-id"]);
        var permissions = Assert.Single(forwarded["x-permissions"]).Split(' ');
        Assert.Contains("users:manage", permissions);
        Assert.DoesNotContain("*", permissions);
    }

    [Fact]
    public async Task Spoofed_user_headers_on_an_anonymous_call_never_reach_the_service()
    {
        using var gateway = GatewayClient.Create(stack);

        using var request = GatewayClient.Request(HttpMethod.Get, "/test-echo-anonymous/who-am-i");
        Spoof(request);
        using var response = await gateway.SendAsync(request, Ct);

        var forwarded = await GatewayRoutingTests.ForwardedAsync(response);
        Assert.Empty(forwarded["x-user-id"]);
        Assert.Empty(forwarded["x-tenant-id"]);
        Assert.Empty(forwarded["x-permissions"]);
        Assert.NotEmpty(forwarded["x-request-id"]);
    }

    [Fact]
    public async Task The_token_endpoint_limit_per_ip_is_shared_by_both_gateway_instances_and_answers_429_with_retry_after()
    {
        using var first = GatewayClient.Create(stack, GatewayUnderTest.Name);
        using var second = GatewayClient.Create(stack, GatewayUnderTest.SecondInstance);
        var ip = GatewayClient.NewClientIp();

        // Alternate between the instances: with counters of their own, each would allow the whole limit.
        using var opening = await TokenRequestAsync(first, ip);
        var limit = int.Parse(Assert.Single(opening.Headers.GetValues("X-RateLimit-Limit")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(limit - 1, Remaining(opening));
        for (var i = 2; i <= limit; i++)
        {
            using var response = await TokenRequestAsync(i % 2 == 0 ? second : first, ip);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(limit - i, Remaining(response));
        }

        foreach (var instance in new[] { first, second })
        {
            using var refused = await TokenRequestAsync(instance, ip);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            Assert.Equal(Assert.Single(refused.Headers.GetValues("X-Request-Id")), problem.GetProperty("requestId").GetString());
        }

        // Another client is not affected.
        using var other = await TokenRequestAsync(second, GatewayClient.NewClientIp());
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Fact]
    public async Task Authenticated_calls_are_counted_per_user_and_per_organization_not_per_ip()
    {
        var (token, _) = await SignedInAsync();
        using var gateway = GatewayClient.Create(stack);

        using var fromOneIp = await gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, "/test-echo/x", token, GatewayClient.NewClientIp()), Ct);
        using var fromAnother = await gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, "/test-echo/x", token, GatewayClient.NewClientIp()), Ct);

        // The user's counter (the tighter of user and organization) goes down across addresses.
        Assert.Equal(Remaining(fromOneIp) - 1, Remaining(fromAnother));
    }

    private static int Remaining(HttpResponseMessage response) =>
        int.Parse(Assert.Single(response.Headers.GetValues("X-RateLimit-Remaining")), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<HttpResponseMessage> TokenRequestAsync(HttpClient gateway, string ip)
    {
        using var request = GatewayClient.Request(HttpMethod.Post, "/connect/token", clientIp: ip);
        request.Content = new FormUrlEncodedContent([new("grant_type", "urn:medicalhub:test:unknown"), new("client_id", "medicalhub-web")]);
        return await gateway.SendAsync(request, Ct);
    }

    private static void Spoof(HttpRequestMessage request)
    {
        request.Headers.Add("X-User-Id", "00000000-0000-0000-0000-000000000666");
        request.Headers.Add("X-Tenant-Id", "00000000-0000-0000-0000-000000000777");
        request.Headers.Add("X-Permissions", "*");
    }

    private async Task<(string Token, IdentityClient.Registered User)> SignedInAsync()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        return (await identity.AccessTokenAsync(user), user);
    }
}
