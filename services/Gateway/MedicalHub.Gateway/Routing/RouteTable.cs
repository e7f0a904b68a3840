using MedicalHub.Gateway.Authentication;
using MedicalHub.Gateway.RateLimiting;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.Routing;

/// <summary>
/// The rules the route table (configuration section <c>ReverseProxy</c>) must keep, checked when the
/// gateway starts (it refuses to start otherwise) and by the unit tests.
/// </summary>
public static class RouteTable
{
    /// <summary>Paths the gateway answers itself; no route may claim them.</summary>
    public static readonly string[] GatewayOwnPaths = ["/health", "/alive", "/scalar", "/openapi/v1.json", Fhir.FhirBase.MetadataPath];

    /// <summary>
    /// Every problem with the table, empty when it is sound: each route names an existing cluster, an
    /// explicit authorization policy, a known rate-limit policy and a body limit; no path prefix
    /// belongs to two services (equal or nested prefixes of routes to different clusters), no path is
    /// routed twice, and no route claims one of the gateway's own paths.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters)
    {
        var problems = new List<string>();
        var clusterIds = clusters.Select(c => c.ClusterId).ToHashSet(StringComparer.Ordinal);

        foreach (var route in routes)
        {
            if (route.ClusterId is null || !clusterIds.Contains(route.ClusterId))
            {
                problems.Add($"Route '{route.RouteId}' names cluster '{route.ClusterId}', which does not exist.");
            }
            if (route.AuthorizationPolicy is not (GatewayAuthentication.AnonymousPolicy or GatewayAuthentication.AuthenticatedPolicy))
            {
                problems.Add($"Route '{route.RouteId}' must name its authorization policy ('{GatewayAuthentication.AnonymousPolicy}' or '{GatewayAuthentication.AuthenticatedPolicy}'), not '{route.AuthorizationPolicy}'.");
            }
            var rateLimit = route.Metadata?.GetValueOrDefault(RateLimitingMiddleware.PolicyMetadataKey);
            if (rateLimit is not null && !RateLimitSettings.RouteNames.Contains(rateLimit))
            {
                problems.Add($"Route '{route.RouteId}' names an unknown rate-limit policy '{rateLimit}'.");
            }
            if (route.MaxRequestBodySize is null)
            {
                problems.Add($"Route '{route.RouteId}' must set MaxRequestBodySize.");
            }
            if (route.Match.Path is null)
            {
                problems.Add($"Route '{route.RouteId}' must match on a path.");
            }
            else if (GatewayOwnPaths.Any(own => Overlaps(Prefix(route.Match.Path), own)))
            {
                problems.Add($"Route '{route.RouteId}' claims '{route.Match.Path}', a path the gateway answers itself.");
            }
        }

        var withPaths = routes.Where(r => r.Match.Path is not null).ToList();
        for (var i = 0; i < withPaths.Count; i++)
        {
            for (var j = i + 1; j < withPaths.Count; j++)
            {
                var (a, b) = (withPaths[i], withPaths[j]);
                if (string.Equals(a.Match.Path, b.Match.Path, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"Routes '{a.RouteId}' and '{b.RouteId}' both route '{a.Match.Path}'.");
                }
                else if (a.ClusterId != b.ClusterId && Overlaps(Prefix(a.Match.Path!), Prefix(b.Match.Path!)))
                {
                    problems.Add($"'{Prefix(a.Match.Path!)}' ({a.ClusterId}, route '{a.RouteId}') and '{Prefix(b.Match.Path!)}' ({b.ClusterId}, route '{b.RouteId}') overlap: a path prefix belongs to one service.");
                }
            }
        }
        return problems;
    }

    /// <summary>The literal part of a route path: <c>/api/account/{**rest}</c> → <c>/api/account</c>.</summary>
    public static string Prefix(string path)
    {
        var brace = path.IndexOf('{', StringComparison.Ordinal);
        var literal = brace < 0 ? path : path[..brace];
        return literal.Length > 1 ? literal.TrimEnd('/') : literal;
    }

    /// <summary>True when one prefix is the other or contains it segment-wise (<c>/api/auth</c> and <c>/api/auth/x</c>, not <c>/api/authz</c>).</summary>
    public static bool Overlaps(string a, string b)
    {
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        return string.Equals(shorter, longer, StringComparison.OrdinalIgnoreCase)
            || shorter == "/"
            || longer.StartsWith(shorter + "/", StringComparison.OrdinalIgnoreCase);
    }
}
