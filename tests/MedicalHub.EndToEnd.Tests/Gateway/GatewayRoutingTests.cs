using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Gateway;

public sealed class GatewayRoutingTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_signs_up_logs_in_and_reaches_identity_through_the_gateway_with_a_token_naming_the_gateway_as_issuer()
    {
        using var identity = new IdentityClient(stack, via: GatewayUnderTest.Name);
        var user = await identity.RegisterVerifiedAsync();
        var token = await identity.AccessTokenAsync(user);

        Assert.Equal(GatewayClient.Issuer(stack), IdentityClient.Payload(token).GetProperty("iss").GetString());
        Assert.True(await identity.SignatureIsValidAsync(token));
        using var profile = await identity.SendAsync(HttpMethod.Get, "/api/account/profile", token);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Equal(user.Email, (await profile.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("email").GetString());

        // The same token is good at the service directly: one issuer everywhere.
        using var direct = new IdentityClient(stack);
        using var directProfile = await direct.SendAsync(HttpMethod.Get, "/api/account/profile", token);
        Assert.Equal(HttpStatusCode.OK, directProfile.StatusCode);
    }

    [Fact]
    public async Task Discovery_through_the_gateway_names_the_gateway_for_every_endpoint()
    {
        using var gateway = GatewayClient.Create(stack);

        var discovery = await gateway.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Ct);

        var issuer = GatewayClient.Issuer(stack);
        Assert.Equal(issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal($"{issuer}connect/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.StartsWith(issuer, discovery.GetProperty("jwks_uri").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ServiceUnderTest.Names), MemberType = typeof(ServiceUnderTest))]
    public async Task Each_services_api_document_is_served_by_the_gateway_with_the_gateway_as_server(string service)
    {
        using var gateway = GatewayClient.Create(stack);

        var document = await gateway.GetFromJsonAsync<JsonElement>($"/openapi/{service}/v1.json", Ct);

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(GatewayClient.Issuer(stack).TrimEnd('/'), document.GetProperty("servers")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task One_document_describes_the_public_api_of_every_service_as_reached_through_the_gateway()
    {
        using var gateway = GatewayClient.Create(stack);

        var document = await gateway.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(GatewayClient.Issuer(stack).TrimEnd('/'), document.GetProperty("servers")[0].GetProperty("url").GetString());
        foreach (var (path, service) in new[] { ("/api/account/profile", "Identity"), ("/api/patients", "Content"), ("/api/notifications", "Communication"), ("/api/care-pathways", "Workflow") })
        {
            Assert.Contains(path, paths);
            Assert.Contains(document.GetProperty("x-tagGroups").EnumerateArray(), g => g.GetProperty("name").GetString() == service);
        }
        // Services' internal operations are not routed by the gateway, so they are not part of the public API.
        Assert.DoesNotContain(paths, p => p.Contains("/internal/", StringComparison.Ordinal));
        // Every reference resolves inside the one document.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var reference in References(document))
        {
            Assert.True(schemas.TryGetProperty(reference["#/components/schemas/".Length..], out _), $"{reference} does not resolve");
        }
    }

    private static IEnumerable<string> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "$ref" && p.Value.GetString() is { } r && r.StartsWith("#/components/schemas/", StringComparison.Ordinal)
            ? [r] : References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };

    [Fact]
    public async Task The_api_reference_page_lists_every_services_document()
    {
        using var gateway = GatewayClient.Create(stack);

        var page = await gateway.GetStringAsync("/scalar", Ct);

        // Scalar writes document URLs relative to the page ("openapi/v1.json"): the merged document, first and default.
        Assert.Contains("\"openapi/v1.json\",\"default\":true", page, StringComparison.Ordinal);
        foreach (var service in ServiceUnderTest.All)
        {
            Assert.Contains($"openapi/{service.Name}/v1.json", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_path_no_service_owns_is_404_and_a_body_over_the_routes_limit_is_413()
    {
        using var gateway = GatewayClient.Create(stack);

        using var unknown = await gateway.GetAsync("/api/nobody-owns-this", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var huge = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new ByteArrayContent(new byte[64 * 1024]) };
        huge.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        huge.Headers.Add("X-Forwarded-For", GatewayClient.NewClientIp());
        using var tooLarge = await gateway.SendAsync(huge, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_request_id_is_created_or_kept_when_well_formed_echoed_and_forwarded()
    {
        using var gateway = GatewayClient.Create(stack);

        using var created = await gateway.SendAsync(GatewayClient.Request(HttpMethod.Get, "/test-echo-anonymous/x"), Ct);
        var createdId = Assert.Single(created.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", createdId);
        Assert.Equal([createdId], (await ForwardedAsync(created))["x-request-id"]);

        using var kept = GatewayClient.Request(HttpMethod.Get, "/test-echo-anonymous/x");
        kept.Headers.Add("X-Request-Id", "client-chosen.id:42");
        using var keptResponse = await gateway.SendAsync(kept, Ct);
        Assert.Equal("client-chosen.id:42", Assert.Single(keptResponse.Headers.GetValues("X-Request-Id")));
        Assert.Equal(["client-chosen.id:42"], (await ForwardedAsync(keptResponse))["x-request-id"]);

        using var malformed = GatewayClient.Request(HttpMethod.Get, "/api/account/profile");
        malformed.Headers.TryAddWithoutValidation("X-Request-Id", "bad id with spaces");
        using var refused = await gateway.SendAsync(malformed, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(refused.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task Cors_preflight_is_answered_for_a_configured_origin_and_not_for_another()
    {
        using var gateway = GatewayClient.Create(stack);

        using var allowed = await gateway.SendAsync(Preflight(GatewayClient.AllowedOrigin), Ct);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(GatewayClient.AllowedOrigin, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("authorization", string.Join(',', allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        using var refused = await gateway.SendAsync(Preflight("https://evil.example"), Ct);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/account/profile");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    /// <summary>The headers the echo backend received, by lower-case name (absent headers read as empty).</summary>
    internal static async Task<IReadOnlyDictionary<string, string[]>> ForwardedAsync(HttpResponseMessage echo)
    {
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        var body = await echo.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var headers = body.GetProperty("headers").EnumerateObject()
            .ToDictionary(h => h.Name, h => h.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
        return new DefaultingDictionary(headers);
    }

    private sealed class DefaultingDictionary(Dictionary<string, string[]> inner) : IReadOnlyDictionary<string, string[]>
    {
        public string[] this[string key] => inner.GetValueOrDefault(key) ?? [];
        public IEnumerable<string> Keys => inner.Keys;
        public IEnumerable<string[]> Values => inner.Values;
        public int Count => inner.Count;
        public bool ContainsKey(string key) => inner.ContainsKey(key);
        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string[] value) => inner.TryGetValue(key, out value);
        public IEnumerator<KeyValuePair<string, string[]>> GetEnumerator() => inner.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => inner.GetEnumerator();
    }
}
