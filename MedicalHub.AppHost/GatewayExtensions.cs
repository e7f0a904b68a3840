using MedicalHub.AppHost.LocalInfrastructure;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost;

public static class GatewayExtensions
{
    public const string Name = "gateway";
    private const int RunModePort = 8000;
    private const int RedisRunModePort = 6384;
    private static readonly string[] Services = ["identity", "content", "communication", "workflow"];

    /// <summary>The gateway's clusters (its appsettings.json) that spread over a service's replicas: each replica becomes a destination.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ReplicatedClusters = new Dictionary<string, string[]>
    {
        ["communication"] = ["communication", "communication-hub"],
    };

    /// <summary>The gateway's routes that carry document uploads (its appsettings.json), and the room they leave for multipart framing.</summary>
    public static readonly string[] UploadRoutes = ["content-document-upload", "content-document-version-upload"];
    private const long UploadFraming = 64 * 1024;

    /// <summary>
    /// The public entry (<c>gateway</c>, port 8000 in run mode) with its own Redis (<c>gateway-redis</c>,
    /// 6384), in front of the services added before it, which it reaches by service discovery and waits
    /// for. Tokens then name the gateway's URL as issuer: Identity writes it, every service and the
    /// gateway check it (<c>MedicalHub__Authentication__Issuer</c>). Without a gateway (a
    /// <c>MedicalHub:Services</c> list without "gateway") the issuer is Identity's own URL.
    /// <c>MedicalHub:Gateway:Replicas</c> (run mode) starts more instances (<c>gateway-2</c>…) sharing the
    /// Redis; other <c>MedicalHub:Gateway:*</c> settings of the AppHost are passed to every instance.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? AddGateway(this IDistributedApplicationBuilder builder, InfrastructureSettings infrastructure)
    {
        var services = builder.Resources.OfType<ProjectResource>()
            .Where(p => Services.Contains(p.Name) || p.Annotations.OfType<ReplicaAnnotation>().Any())
            .Select(builder.CreateResourceBuilder)
            .ToList();
        var identity = services.SingleOrDefault(s => s.Resource.Name == "identity");

        if (!infrastructure.IncludesService(Name))
        {
            if (identity is not null)
            {
                var identityUrl = ReferenceExpression.Create($"{identity.GetEndpoint("http").Property(EndpointProperty.Url)}/");
                services.ForEach(s => s.WithEnvironment("MedicalHub__Authentication__Issuer", identityUrl));
            }
            return null;
        }

        var redis = builder.AddServiceRedis(infrastructure, Name, RedisRunModePort);
        var gateway = builder.AddGatewayInstance(Name, services, redis, infrastructure.FixedPorts ? RunModePort : null);
        redis.WithParentRelationship(gateway);
        // Its own client of Identity: it reads the ended sessions whose tokens it refuses.
        gateway.WithServiceClient(identity);

        // Identity's per-address throttling believes X-Forwarded-For only from its trusted proxies. In run
        // mode the gateway reaches it from loopback (through Aspire's proxy); a deployment lists the
        // gateway's network in MedicalHub:Identity:TrustedProxies itself.
        if (builder.ExecutionContext.IsRunMode)
        {
            identity?.WithEnvironment("MedicalHub__Identity__TrustedProxies__0", "127.0.0.1")
                .WithEnvironment("MedicalHub__Identity__TrustedProxies__1", "::1");
        }

        // The web app at "/": built by the AppHost in run mode, carried in the gateway's image when published.
        gateway.WithWebApp(identity);

        var issuer = ReferenceExpression.Create($"{gateway.GetEndpoint("http").Property(EndpointProperty.Url)}/");
        identity?.WithEnvironment("MedicalHub__Identity__Issuer", issuer);
        services.ForEach(s => s.WithEnvironment("MedicalHub__Authentication__Issuer", issuer));
        gateway.WithEnvironment("MedicalHub__Authentication__Issuer", issuer);

        var replicas = builder.ExecutionContext.IsRunMode ? builder.Configuration.GetValue("MedicalHub:Gateway:Replicas", 1) : 1;
        for (var i = 2; i <= replicas; i++)
        {
            builder.AddGatewayInstance($"{Name}-{i}", services, redis, port: null)
                .WithEnvironment("MedicalHub__Authentication__Issuer", issuer)
                .WithSameServiceClientAs(gateway)
                .ServesWebApp()
                .WithParentRelationship(gateway);
        }
        return gateway;
    }

    private static IResourceBuilder<ProjectResource> AddGatewayInstance(this IDistributedApplicationBuilder builder, string name,
        List<IResourceBuilder<ProjectResource>> services, IResourceBuilder<IResourceWithConnectionString> redis, int? port)
    {
#pragma warning disable ASPIRECERTIFICATES001
        var gateway = builder.AddProject<Projects.MedicalHub_Gateway>(name)
            .WithoutHttpsCertificate()
#pragma warning restore ASPIRECERTIFICATES001
            .WithEndpoint("http", endpoint => endpoint.Port = port)
            // The public entry: the ingress (Kubernetes) or external ingress (Container Apps) points here, nowhere else.
            .WithExternalHttpEndpoints()
            .WithReference(redis).WaitFor(redis)
            .WithHttpHealthCheck("/health");
        foreach (var service in services)
        {
            gateway.WithReference(service).WaitFor(service);
            if (service.Resource.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault() is { } replica
                && ReplicatedClusters.TryGetValue(replica.Of, out var clusters))
            {
                foreach (var cluster in clusters)
                {
                    gateway.WithEnvironment($"ReverseProxy__Clusters__{cluster}__Destinations__{service.Resource.Name}__Address", $"http://{service.Resource.Name}");
                }
            }
        }
        // The upload routes admit the largest document Content accepts (MedicalHub:Content:MaxUploadBytes) and its multipart framing.
        if (builder.Configuration.GetValue<long?>("MedicalHub:Content:MaxUploadBytes") is { } maxUpload)
        {
            foreach (var route in UploadRoutes)
            {
                gateway.WithEnvironment($"ReverseProxy__Routes__{route}__MaxRequestBodySize", (maxUpload + UploadFraming).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        foreach (var setting in builder.Configuration.GetSection("MedicalHub:Gateway").AsEnumerable(makePathsRelative: true))
        {
            if (setting.Value is not null && !setting.Key.Equals("Replicas", StringComparison.OrdinalIgnoreCase))
            {
                gateway.WithEnvironment($"MedicalHub__Gateway__{setting.Key.Replace(":", "__", StringComparison.Ordinal)}", setting.Value);
            }
        }
        return gateway;
    }
}
