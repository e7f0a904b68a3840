using MedicalHub.AppHost.LocalInfrastructure;

namespace MedicalHub.AppHost;

public static class ServiceExtensions
{
    /// <summary>
    /// Adds a MedicalHub service with its own stores (see <see cref="ServiceStoresExtensions.AddServiceStores"/>),
    /// waiting for them, and checked through its own <c>/health</c>. Returns null when
    /// <c>MedicalHub:Services</c> lists services and this is not one of them (to run part of the system on a small machine).
    /// </summary>
    public static IResourceBuilder<ProjectResource>? AddService<TProject>(this IDistributedApplicationBuilder builder,
        InfrastructureSettings infrastructure, string name, int postgresPort, int redisPort)
        where TProject : IProjectMetadata, new()
    {
        if (!infrastructure.IncludesService(name))
        {
            return null;
        }

        var stores = builder.AddServiceStores(infrastructure, name, postgresPort, redisPort);
        // Plain HTTP inside the system (TLS ends at the ingress in a deployment), so no developer certificate
        // is needed; the API is marked experimental in Aspire 13.6.
#pragma warning disable ASPIRECERTIFICATES001
        return builder.AddProject<TProject>(name)
            .WithoutHttpsCertificate()
#pragma warning restore ASPIRECERTIFICATES001
            .WithServiceStores(stores)
            .WithAnnotation(new ServiceStoresAnnotation(stores))
            .WithHttpHealthCheck("/health");
    }
}

/// <summary>The stores a service was added with, so that a replica of it (<see cref="WorkflowExtensions.AddWorkflowReplicas"/>) uses the same ones.</summary>
public sealed record ServiceStoresAnnotation(ServiceStores Stores) : IResourceAnnotation;

/// <summary>Marks another instance of a service (e.g. <c>workflow-2</c>): it gets what the service gets from the gateway's wiring (the issuer).</summary>
public sealed record ReplicaAnnotation(string Of) : IResourceAnnotation;
