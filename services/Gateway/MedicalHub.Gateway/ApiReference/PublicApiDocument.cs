using System.Text.Json.Nodes;
using MedicalHub.Gateway.Routing;
using MedicalHub.Gateway.ServiceDocuments;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.ApiReference;

/// <summary>
/// The one OpenAPI document of the public API, at the gateway's <c>/openapi/v1.json</c>: each service's own document
/// (proxied at <c>/openapi/{service}/v1.json</c>), keeping only the operations the route table exposes through the
/// gateway, under the gateway's URL. Schemas and security schemes that two services define differently are renamed
/// <c>{Service}.{Name}</c> (with every reference to them), identical ones are kept once; operation ids that two services
/// use are prefixed the same way; each service's tags form a tag group.
/// </summary>
public sealed class PublicApiDocument(IHttpClientFactory httpClients, TimeProvider time, ILogger<PublicApiDocument> logger)
    : MergedServiceDocument(httpClients, time, logger)
{
    public const string Path = "/openapi/v1.json";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    protected override string ServicePath => "/openapi/v1.json";

    protected override string Description => "OpenAPI document";

    protected override IEnumerable<string> Services(IProxyConfig config) => DocumentRoutes(config.Routes).Select(r => r.ClusterId!);

    protected override JsonObject Merge(IReadOnlyDictionary<string, JsonObject?> documents, IProxyConfig config, string baseUrl, DateTimeOffset now) =>
        Merge(documents, config.Routes, baseUrl);

    /// <summary>The routes that proxy a service's own OpenAPI document (marked <c>"OpenApiDocument": "true"</c>).</summary>
    public static IEnumerable<RouteConfig> DocumentRoutes(IReadOnlyList<RouteConfig> routes) =>
        routes.Where(r => r.ClusterId is not null && r.Metadata?.GetValueOrDefault(ApiReferenceExtensions.MetadataKey) == "true");

    public static JsonObject Merge(IReadOnlyDictionary<string, JsonObject?> documents, IReadOnlyList<RouteConfig> routes, string baseUrl)
    {
        var paths = new JsonObject();
        var components = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var tagGroups = new JsonArray();
        var tags = new JsonArray();
        var operationIds = documents.Values.OfType<JsonObject>()
            .SelectMany(d => Operations(d).Select(o => o.Operation["operationId"]?.GetValue<string>()).OfType<string>())
            .GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var openApiVersion = "3.1.1";

        foreach (var (service, original) in documents.Where(d => d.Value is not null).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var document = original!.DeepClone().AsObject();
            openApiVersion = document["openapi"]?.GetValue<string>() ?? openApiVersion;
            var title = char.ToUpperInvariant(service[0]) + service[1..];
            var serviceRoutes = routes.Where(r => r.ClusterId == service && !DocumentRoutes([r]).Any() && r.Match.Path is not null).ToList();

            // A component another service already defined differently is renamed, and so, until nothing changes, is any
            // component that refers to a renamed one (its text may be equal, what it means is not). Then the service's
            // whole document is rewritten with the new names before its parts are added.
            var renames = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = (document["components"] as JsonObject ?? [])
                .SelectMany(kind => (kind.Value as JsonObject ?? []).Select(e => (Kind: kind.Key, e.Key, Definition: e.Value)))
                .ToList();
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var (kind, name, definition) in entries.Where(e => !renames.ContainsKey(Reference(e.Kind, e.Key))))
                {
                    var rewritten = definition?.DeepClone();
                    RewriteReferences(rewritten, renames);
                    if (components.GetValueOrDefault(kind)?[name] is { } taken && !JsonNode.DeepEquals(taken, rewritten))
                    {
                        renames[Reference(kind, name)] = Reference(kind, $"{title}.{name}");
                        changed = true;
                    }
                }
            }
            RewriteReferences(document, renames);
            foreach (var (kind, name, _) in entries)
            {
                var target = renames.TryGetValue(Reference(kind, name), out var renamed) ? renamed[(Reference(kind, "").Length)..] : name;
                if (target != name)
                {
                    RenameSecurityRequirements(document, kind, name, target);
                }
                var merged = components.TryGetValue(kind, out var existing) ? existing : components[kind] = [];
                merged[target] ??= document["components"]![kind]![name]!.DeepClone();
            }

            var serviceTags = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (path, item) in document["paths"] as JsonObject ?? [])
            {
                var exposed = new JsonObject();
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (!Methods.Contains(method))
                    {
                        exposed[method] = operation?.DeepClone(); // path-level parameters, summary, servers
                        continue;
                    }
                    if (!serviceRoutes.Any(r => Exposes(r, path, method)))
                    {
                        continue;
                    }
                    var copy = operation!.DeepClone().AsObject();
                    if (copy["operationId"]?.GetValue<string>() is { } id && operationIds.Contains(id))
                    {
                        copy["operationId"] = $"{title}.{id}";
                    }
                    foreach (var tag in (copy["tags"] as JsonArray ?? []).Select(t => t?.GetValue<string>()).OfType<string>())
                    {
                        serviceTags.Add(tag);
                    }
                    exposed[method] = copy;
                }
                if (exposed.Any(p => Methods.Contains(p.Key)))
                {
                    paths[path] = exposed;
                }
            }
            foreach (var tag in document["tags"] as JsonArray ?? [])
            {
                if (tag?["name"]?.GetValue<string>() is { } name && serviceTags.Contains(name) && !tags.Any(t => t?["name"]?.GetValue<string>() == name))
                {
                    tags.Add(tag.DeepClone());
                }
            }
            if (serviceTags.Count > 0)
            {
                tagGroups.Add(new JsonObject { ["name"] = title, ["tags"] = new JsonArray([.. serviceTags.Select(t => (JsonNode)JsonValue.Create(t))]) });
            }
        }

        var result = new JsonObject
        {
            ["openapi"] = openApiVersion,
            ["info"] = new JsonObject
            {
                ["title"] = "MedicalHub API",
                ["version"] = "v1",
                ["description"] = "The public API of every MedicalHub service, as reached through the gateway.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = baseUrl }),
            ["paths"] = new JsonObject(paths.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))),
        };
        if (components.Count > 0)
        {
            result["components"] = new JsonObject(components.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => KeyValuePair.Create<string, JsonNode?>(c.Key, new JsonObject(c.Value.OrderBy(e => e.Key, StringComparer.Ordinal)
                    .Select(e => KeyValuePair.Create(e.Key, e.Value?.DeepClone()))))));
        }
        if (tags.Count > 0)
        {
            result["tags"] = tags;
        }
        result["x-tagGroups"] = tagGroups;
        return result;
    }

    /// <summary>
    /// True when the route forwards <paramref name="method"/> requests to <paramref name="path"/> (an OpenAPI path with
    /// <c>{parameters}</c>): a catch-all route (<c>/api/patients/{**rest}</c>) serves its literal prefix and what is
    /// under it, any other route its path exactly.
    /// </summary>
    public static bool Exposes(RouteConfig route, string path, string method)
    {
        if (route.Match.Methods is { Count: > 0 } methods && !methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }
        var template = route.Match.Path!;
        if (!template.Contains("{**", StringComparison.Ordinal))
        {
            return string.Equals(template, path, StringComparison.OrdinalIgnoreCase);
        }
        var prefix = RouteTable.Prefix(template);
        return string.Equals(prefix, path, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase);
    }

    private static string Reference(string kind, string name) => $"#/components/{kind}/{name}";

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        (document["paths"] as JsonObject ?? []).SelectMany(p => (p.Value as JsonObject ?? [])
            .Where(o => Methods.Contains(o.Key) && o.Value is JsonObject)
            .Select(o => (p.Key, o.Key, o.Value!.AsObject())));

    private static void RewriteReferences(JsonNode? node, IReadOnlyDictionary<string, string> renames)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.GetValue<string>() is { } target && renames.TryGetValue(target, out var renamed) && renamed != target)
                {
                    obj["$ref"] = renamed;
                }
                foreach (var (_, child) in obj.ToList())
                {
                    RewriteReferences(child, renames);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RewriteReferences(child, renames);
                }
                break;
        }
    }

    /// <summary>Security requirements name schemes by key, not by reference: a renamed scheme is renamed there too.</summary>
    private static void RenameSecurityRequirements(JsonObject document, string kind, string name, string target)
    {
        if (kind != "securitySchemes")
        {
            return;
        }
        var requirements = (document["security"] as JsonArray ?? []).Concat(Operations(document).SelectMany(o => o.Operation["security"] as JsonArray ?? []));
        foreach (var requirement in requirements.OfType<JsonObject>())
        {
            if (requirement[name] is { } scopes)
            {
                requirement.Remove(name);
                requirement[target] = scopes.DeepClone();
            }
        }
    }
}
