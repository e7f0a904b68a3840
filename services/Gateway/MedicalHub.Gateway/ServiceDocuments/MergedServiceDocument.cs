using System.Text.Json.Nodes;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.ServiceDocuments;

/// <summary>
/// A document the gateway answers itself by merging what several services say of themselves at one path (their FHIR
/// CapabilityStatements, their OpenAPI documents), each fetched from its cluster's address in the route table (service
/// discovery). Rebuilt at most once a minute per public base URL; a merge that misses a service is not kept, so the
/// next request asks again.
/// </summary>
public abstract class MergedServiceDocument(IHttpClientFactory httpClients, TimeProvider time, ILogger logger) : IDisposable
{
    public const string HttpClientName = "medicalhub-service-documents";

    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string BaseUrl, DateTimeOffset Until, JsonObject Document)? _cached;

    /// <summary>Where each service serves its own document.</summary>
    protected abstract string ServicePath { get; }

    /// <summary>What the document is, for the logs ("FHIR metadata", "OpenAPI document").</summary>
    protected abstract string Description { get; }

    /// <summary>The services (clusters) whose documents are merged.</summary>
    protected abstract IEnumerable<string> Services(IProxyConfig config);

    /// <summary>One document from the services' own (null where a service did not answer).</summary>
    protected abstract JsonObject Merge(IReadOnlyDictionary<string, JsonObject?> documents, IProxyConfig config, string baseUrl, DateTimeOffset now);

    public async Task<JsonObject> GetAsync(IProxyConfig config, string baseUrl, CancellationToken ct)
    {
        if (_cached is { } hit && hit.BaseUrl == baseUrl && hit.Until > time.GetUtcNow())
        {
            return hit.Document;
        }
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && again.BaseUrl == baseUrl && again.Until > time.GetUtcNow())
            {
                return again.Document;
            }
            var documents = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
            foreach (var service in Services(config).Distinct(StringComparer.Ordinal))
            {
                var address = config.Clusters.FirstOrDefault(c => c.ClusterId == service)?.Destinations?.Values.FirstOrDefault()?.Address;
                documents[service] = address is null ? null : await FetchAsync(new Uri(new Uri(address), ServicePath), service, ct);
            }
            var merged = Merge(documents, config, baseUrl, time.GetUtcNow());
            _cached = documents.Values.All(d => d is not null) ? (baseUrl, time.GetUtcNow() + CacheFor, merged) : null;
            return merged;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<JsonObject?> FetchAsync(Uri url, string service, CancellationToken ct)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(url, ct);
            if (response.IsSuccessStatusCode)
            {
                return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject;
            }
            logger.LogWarning("{Service} answered {Status} for its {Document}; it is left out", service, (int)response.StatusCode, Description);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "{Service}'s {Document} could not be read; it is left out", service, Description);
        }
        return null;
    }
}
