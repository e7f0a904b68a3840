using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>How the gateway serves the web app (HTTP, no browser): the app at /, its headers, its client routes, and the API untouched.</summary>
public sealed class WebAppServingTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/settings/profile")]
    [InlineData("/verify-email?userId=1&token=2")]
    public async Task The_app_page_answers_every_client_route_uncached_with_a_strict_content_security_policy(string path)
    {
        using var http = stack.CreateHttpClient(GatewayUnderTest.Name);
        using var response = await http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=\"root\"></div>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoCache);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        // Static files are not counted against the API's anonymous budget.
        Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Hashed_assets_are_cached_for_a_year_and_compressed_and_a_missing_one_is_404()
    {
        using var http = stack.CreateHttpClient(GatewayUnderTest.Name);
        var index = await http.GetStringAsync("/", Ct);
        var script = System.Text.RegularExpressions.Regex.Match(index, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);

        using var request = new HttpRequestMessage(HttpMethod.Get, script);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var asset = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal(TimeSpan.FromDays(365), asset.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", asset.Headers.CacheControl!.Extensions.Select(e => e.Name));
        Assert.Contains("gzip", asset.Content.Headers.ContentEncoding);

        using var missing = await http.GetAsync("/assets/not-there-0000.js", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/connect/no-such-thing")]
    [InlineData("/account/no-such-page")]
    public async Task The_api_paths_are_never_answered_with_the_app_page(string path)
    {
        using var http = stack.CreateHttpClient(GatewayUnderTest.Name);
        using var response = await http.GetAsync(path, Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<div id=\"root\">", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>
    /// The app's API types are generated from the OpenAPI documents saved in services/Web/openapi/: they must be the
    /// services' documents as served now, or the types lie. When a service's API changes: `npm run openapi:fetch --
    /// &lt;gateway URL&gt;` and `npm run openapi:types` in services/Web, then fix what no longer compiles; or run this test
    /// with MEDICALHUB_SAVE_OPENAPI=1, which saves the live documents instead of comparing them (never set in CI).
    /// </summary>
    [Theory]
    [InlineData("identity")]
    [InlineData("communication")]
    [InlineData("content")]
    [InlineData("workflow")]
    public async Task The_saved_openapi_documents_the_app_is_typed_from_are_the_services_own(string service)
    {
        using var http = stack.CreateHttpClient(GatewayUnderTest.Name);
        var live = JsonNode.Parse(await http.GetStringAsync($"/openapi/{service}/v1.json", Ct))!.AsObject();
        live.Remove("servers");
        var app = MedicalHub.AppHost.WebAppBuild.Directory(Projects.MedicalHub_AppHost.ProjectPath);
        var savedPath = Path.Combine(app, "openapi", service + ".json");
        if (Environment.GetEnvironmentVariable("MEDICALHUB_SAVE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(savedPath, live.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n", Ct);
        }
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(savedPath, Ct))!;

        Assert.True(JsonNode.DeepEquals(live, saved),
            $"services/Web/openapi/{service}.json differs from the {service} service's document: regenerate it (npm run openapi:fetch, npm run openapi:types).");
    }
}
