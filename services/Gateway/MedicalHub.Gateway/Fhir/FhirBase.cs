using System.Text.Json.Nodes;
using MedicalHub.Gateway.ServiceDocuments;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.Fhir;

/// <summary>
/// The platform's one FHIR base, <c>/fhir</c>: each resource type is a route of the table (<c>/fhir/{Type}/{**rest}</c>)
/// to the service that owns it, and <c>GET /fhir/metadata</c> is answered here with one CapabilityStatement: the
/// statements of those services (their own <c>/fhir/metadata</c>, through service discovery), merged, keeping each
/// service's entries only for the types the table routes to it (cached and fetched as <see cref="MergedServiceDocument"/>
/// says: a service that does not answer leaves its types out until it does).
/// </summary>
public static class FhirBase
{
    public const string MetadataPath = "/fhir/metadata";
    public const string FhirJson = "application/fhir+json";

    /// <summary>The FHIR resource types the route table serves, by the cluster (service) that owns them.</summary>
    public static Dictionary<string, string[]> TypesByService(IReadOnlyList<RouteConfig> routes) => routes
        .Where(r => r.ClusterId is not null && r.Match.Path is { } path && path.StartsWith("/fhir/", StringComparison.Ordinal))
        .Select(r => (Service: r.ClusterId!, Type: r.Match.Path!["/fhir/".Length..].Split('/')[0]))
        .Where(r => r.Type.Length > 0 && !r.Type.Contains('{', StringComparison.Ordinal))
        .GroupBy(r => r.Service, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(r => r.Type).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    public static IHostApplicationBuilder AddFhirBase(this IHostApplicationBuilder builder)
    {
        builder.AddMergedServiceDocument<FhirMetadataCache>();
        return builder;
    }

    public static WebApplication MapFhirBase(this WebApplication app)
    {
        app.MapGet(MetadataPath, async (HttpContext http, FhirMetadataCache cache, IProxyConfigProvider proxy) =>
        {
            var request = http.Request;
            var statement = await cache.GetAsync(proxy.GetConfig(), $"{request.Scheme}://{request.Host}{request.PathBase}/fhir", http.RequestAborted);
            return Results.Text(statement.ToJsonString(), FhirJson + "; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Merges the services' statements: one <c>rest</c> (server) whose resources are each service's routed types.</summary>
    public static JsonObject Merge(IReadOnlyDictionary<string, JsonObject?> statements, IReadOnlyDictionary<string, string[]> types, string baseUrl, DateTimeOffset now)
    {
        var resources = new JsonArray();
        foreach (var (service, statement) in statements.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var routed = types.GetValueOrDefault(service) ?? [];
            foreach (var resource in (statement?["rest"] as JsonArray ?? []).OfType<JsonObject>()
                         .Where(rest => rest["mode"]?.GetValue<string>() == "server")
                         .SelectMany(rest => (rest["resource"] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if (resource["type"]?.GetValue<string>() is { } type && routed.Contains(type))
                {
                    resources.Add(resource.DeepClone());
                }
            }
        }
        var ordered = new JsonArray([.. resources.OfType<JsonObject>().OrderBy(r => r["type"]!.GetValue<string>(), StringComparer.Ordinal).Select(r => r.DeepClone())]);
        return new JsonObject
        {
            ["resourceType"] = "CapabilityStatement",
            ["id"] = "medicalhub",
            ["url"] = $"{baseUrl}/metadata",
            ["name"] = "MedicalHub",
            ["title"] = "MedicalHub FHIR R4 API",
            ["status"] = "active",
            ["date"] = now.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
            ["kind"] = "instance",
            ["software"] = new JsonObject { ["name"] = "MedicalHub" },
            ["implementation"] = new JsonObject { ["description"] = "MedicalHub: one FHIR base for every service", ["url"] = baseUrl },
            ["fhirVersion"] = "4.0.1",
            ["format"] = new JsonArray("json"),
            ["rest"] = new JsonArray(new JsonObject
            {
                ["mode"] = "server",
                ["documentation"] = "Each resource type is served by the MedicalHub service that owns it; all are scoped to the caller's organization.",
                ["security"] = new JsonObject
                {
                    ["service"] = new JsonArray(new JsonObject
                    {
                        ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/restful-security-service", ["code"] = "OAuth" }),
                    }),
                    ["description"] = "Bearer access tokens from MedicalHub Identity (OpenID Connect).",
                },
                ["resource"] = ordered,
            }),
        };
    }
}

/// <summary>The merged CapabilityStatement (see <see cref="MergedServiceDocument"/>).</summary>
public sealed class FhirMetadataCache(IHttpClientFactory httpClients, TimeProvider time, ILogger<FhirMetadataCache> logger)
    : MergedServiceDocument(httpClients, time, logger)
{
    protected override string ServicePath => FhirBase.MetadataPath;

    protected override string Description => "FHIR metadata";

    protected override IEnumerable<string> Services(IProxyConfig config) => FhirBase.TypesByService(config.Routes).Keys;

    protected override JsonObject Merge(IReadOnlyDictionary<string, JsonObject?> documents, IProxyConfig config, string baseUrl, DateTimeOffset now) =>
        FhirBase.Merge(documents, FhirBase.TypesByService(config.Routes), baseUrl, now);
}
