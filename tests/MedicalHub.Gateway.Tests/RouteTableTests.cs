using MedicalHub.Gateway.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.Tests;

public sealed class RouteTableTests
{
    private static readonly IProxyConfig Shipped = Load(Path.Combine(AppContext.BaseDirectory, "gateway-appsettings.json"));

    [Fact]
    public void The_shipped_route_table_is_sound()
    {
        Assert.Empty(RouteTable.Problems(Shipped.Routes, Shipped.Clusters));
        Assert.NotEmpty(Shipped.Routes);
    }

    public static TheoryData<string, string> Owners => new()
    {
        { "/connect/token", "identity" }, { "/connect/authorize", "identity" }, { "/connect/userinfo", "identity" },
        { "/.well-known/openid-configuration", "identity" }, { "/.well-known/jwks", "identity" }, { "/auth/validate", "identity" },
        { "/api/auth/register", "identity" }, { "/api/account/profile", "identity" }, { "/api/organizations/current", "identity" },
        { "/api/permissions", "identity" }, { "/api/audit-events", "identity" },
        { "/api/notifications", "communication" }, { "/api/notification-templates/x", "communication" },
        { "/api/notification-preferences", "communication" }, { "/api/inbox/read", "communication" }, { "/api/notification-routing/email", "communication" }, { "/api/webhooks/communication/sms", "communication" },
        { "/api/documents/42", "content" }, { "/api/care-pathways", "workflow" },
        { "/api/patients", "content" }, { "/api/patients/42/history", "content" }, { "/api/access-audit/verify", "content" },
        { "/api/search", "content" }, { "/api/ingestion/documents", "content" }, { "/api/observations/unmatched", "content" }, { "/api/hl7/messages", "content" },
        { "/fhir/Patient", "content" }, { "/fhir/Patient/42/_history/1", "content" }, { "/fhir/AuditEvent", "content" },
        { "/fhir/DocumentReference/7", "content" }, { "/fhir/Binary/7", "content" }, { "/fhir/Observation", "content" },
        { "/fhir/PlanDefinition/3", "workflow" }, { "/fhir/ActivityDefinition", "workflow" }, { "/fhir/Task/9", "workflow" },
        { "/api/pathway-instances/bulk", "workflow" }, { "/api/tasks", "workflow" },
        { "/api/workflow-analytics/workload", "workflow" }, { "/fhir/PlanDefinition/1/$apply", "workflow" }, { "/fhir/Task", "workflow" },
        { "/cds-services", "workflow" }, { "/cds-services/medicalhub-patient-view/feedback", "workflow" }, { "/api/decision-rules/hba1c-overdue/versions/1/test", "workflow" },
        { "/api/assistant/patients/5/summary", "workflow" }, { "/api/assistant/calls/audit-events", "workflow" },
    };

    [Theory]
    [MemberData(nameof(Owners))]
    public void Each_public_path_belongs_to_its_service(string path, string service)
    {
        var owners = Shipped.Routes.Where(r => RouteTable.Overlaps(RouteTable.Prefix(r.Match.Path!), path) && RouteTable.Prefix(r.Match.Path!).Length <= path.Length)
            .Select(r => r.ClusterId).Distinct().ToList();
        Assert.Equal([service], owners);
    }

    [Fact]
    public void Every_cluster_reaches_its_service_by_service_discovery_name()
    {
        string[] services = ["identity", "content", "communication", "workflow"];
        foreach (var cluster in Shipped.Clusters)
        {
            // A service's own cluster is named after it; a second one (the hub's, with session affinity) is "<service>-<purpose>".
            var service = Assert.Single(services, s => cluster.ClusterId == s || cluster.ClusterId.StartsWith(s + "-", StringComparison.Ordinal));
            var destination = Assert.Single(cluster.Destinations!.Values);
            Assert.Equal($"http://{service}", destination.Address);
        }
    }

    [Theory]
    [InlineData("/connect/token"), InlineData("/.well-known/{**rest}"), InlineData("/api/auth/{**rest}"), InlineData("/connect/authorize")]
    [InlineData("/api/webhooks/communication/{**rest}"), InlineData("/openapi/identity/v1.json")]
    [InlineData("/cds-services")]
    public void Anonymous_only_where_it_must_be(string path) =>
        Assert.Equal("anonymous", Shipped.Routes.Single(r => r.Match.Path == path).AuthorizationPolicy);

    [Fact]
    public void Every_api_route_of_a_service_needs_a_token_unless_it_is_sign_up_a_webhook_one_click_unsubscribe_or_a_share_link()
    {
        var anonymousApis = Shipped.Routes
            .Where(r => r.Match.Path!.StartsWith("/api/", StringComparison.Ordinal) && r.AuthorizationPolicy == "anonymous")
            .Select(r => r.Match.Path).Order().ToList();
        Assert.Equal(["/api/auth/{**rest}", "/api/notification-preferences/unsubscribe", "/api/public/share-links/{**rest}", "/api/webhooks/communication/{**rest}"], anonymousApis);
    }

    [Fact]
    public void The_token_endpoint_and_sign_up_have_the_strict_per_ip_limits()
    {
        Assert.Equal("Token", Shipped.Routes.Single(r => r.Match.Path == "/connect/token").Metadata!["RateLimit"]);
        Assert.Equal("Auth", Shipped.Routes.Single(r => r.Match.Path == "/api/auth/{**rest}").Metadata!["RateLimit"]);
    }

    [Fact]
    public void A_prefix_claimed_by_two_services_is_found()
    {
        RouteConfig[] routes =
        [
            Route("a", "identity", "/api/account/{**rest}"),
            Route("b", "content", "/api/account/documents/{**rest}"),
        ];
        var problem = Assert.Single(RouteTable.Problems(routes, [Cluster("identity"), Cluster("content")]));
        Assert.Contains("overlap", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_path_routed_twice_a_missing_cluster_and_a_missing_policy_are_found()
    {
        RouteConfig[] routes =
        [
            Route("a", "identity", "/api/x/{**rest}"),
            Route("b", "identity", "/api/x/{**rest}"),
            Route("c", "nowhere", "/api/y") with { AuthorizationPolicy = null },
            Route("d", "identity", "/health/{**rest}"),
        ];
        var problems = RouteTable.Problems(routes, [Cluster("identity")]);
        Assert.Contains(problems, p => p.Contains("both route", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("authorization policy", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("gateway answers itself", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/auth", "/api/auth/register", true)]
    [InlineData("/api/auth", "/api/auth", true)]
    [InlineData("/api/auth", "/api/authz", false)]
    [InlineData("/api/account", "/api/accounting", false)]
    public void Prefixes_overlap_segment_by_segment(string a, string b, bool overlap) => Assert.Equal(overlap, RouteTable.Overlaps(a, b));

    private static RouteConfig Route(string id, string cluster, string path) => new()
    {
        RouteId = id, ClusterId = cluster, AuthorizationPolicy = "authenticated", MaxRequestBodySize = 1024, Match = new RouteMatch { Path = path },
    };

    private static ClusterConfig Cluster(string id) => new()
    {
        ClusterId = id, Destinations = new Dictionary<string, DestinationConfig> { [id] = new() { Address = $"http://{id}" } },
    };

    private static IProxyConfig Load(string path)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddReverseProxy().LoadFromConfig(configuration.GetSection("ReverseProxy"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IProxyConfigProvider>().GetConfig();
    }

    [Fact]
    public void The_FHIR_types_are_served_by_the_services_that_own_them_and_metadata_by_the_gateway()
    {
        var types = MedicalHub.Gateway.Fhir.FhirBase.TypesByService(Shipped.Routes);

        Assert.Equal(["AuditEvent", "Binary", "DocumentReference", "Observation", "Patient"], types["content"]);
        Assert.Equal(["ActivityDefinition", "PlanDefinition", "Task"], types["workflow"]);
        Assert.DoesNotContain(Shipped.Routes, r => r.Match.Path == MedicalHub.Gateway.Fhir.FhirBase.MetadataPath);
        Assert.Contains(MedicalHub.Gateway.Fhir.FhirBase.MetadataPath, RouteTable.GatewayOwnPaths);
    }

    [Fact]
    public void The_merged_capability_statement_lists_each_service_s_routed_types_only()
    {
        static System.Text.Json.Nodes.JsonObject Statement(params string[] types) => new()
        {
            ["resourceType"] = "CapabilityStatement",
            ["rest"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["mode"] = "server",
                ["resource"] = new System.Text.Json.Nodes.JsonArray([.. types.Select(t => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
                {
                    ["type"] = t,
                    ["interaction"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["code"] = "read" }),
                })]),
            }),
        };
        var statements = new Dictionary<string, System.Text.Json.Nodes.JsonObject?>
        {
            ["content"] = Statement("Patient", "AuditEvent", "Observation"), // Observation: served by Content but not routed
            ["workflow"] = Statement("Task"),
            ["broken"] = null,
        };
        var types = new Dictionary<string, string[]> { ["content"] = ["AuditEvent", "Patient"], ["workflow"] = ["Task"], ["broken"] = ["Other"] };

        var merged = MedicalHub.Gateway.Fhir.FhirBase.Merge(statements, types, "https://hub.example/fhir", DateTimeOffset.UnixEpoch);

        var listed = merged["rest"]![0]!["resource"]!.AsArray().Select(r => r!["type"]!.GetValue<string>());
        Assert.Equal(["AuditEvent", "Patient", "Task"], listed);
        Assert.Equal("https://hub.example/fhir/metadata", merged["url"]!.GetValue<string>());
        Assert.Equal("read", merged["rest"]![0]!["resource"]![1]!["interaction"]![0]!["code"]!.GetValue<string>());
    }
}
