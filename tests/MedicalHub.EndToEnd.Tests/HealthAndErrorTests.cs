using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests;

public sealed class HealthAndErrorTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServiceUnderTest.Names), MemberType = typeof(ServiceUnderTest))]
    public async Task Readiness_and_liveness_answer_healthy_and_reveal_nothing_else(string service)
    {
        using var client = stack.CreateHttpClient(service);

        foreach (var path in new[] { "/health", "/alive" })
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(ServiceUnderTest.Names), MemberType = typeof(ServiceUnderTest))]
    public async Task An_unknown_path_answers_with_ProblemDetails_carrying_the_trace_id(string service)
    {
        using var client = stack.CreateHttpClient(service);

        using var response = await client.GetAsync("/api/no-such-thing", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", problem.RootElement.GetProperty("traceId").GetString());
    }

    [Theory]
    [MemberData(nameof(ServiceUnderTest.Names), MemberType = typeof(ServiceUnderTest))]
    public async Task Each_service_publishes_its_OpenAPI_document(string service)
    {
        using var client = stack.CreateHttpClient(service);

        using var response = await client.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal($"{ServiceUnderTest.Named(service).ApplicationName} | v1", document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }
}
