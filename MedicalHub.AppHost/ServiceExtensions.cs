using MedicalHub.AppHost.LocalInfrastructure;
using Microsoft.Extensions.Configuration;

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

    /// <summary>
    /// <paramref name="replicasSetting"/> (e.g. <c>MedicalHub:Workflow:Replicas</c>; run mode only, default 1): more
    /// instances of <paramref name="service"/> (<c>workflow-2</c>, …) on the same database and Redis, with the same client
    /// credentials, a reference to Identity, and marked as its replicas; the caller gives each what else the service has.
    /// None in publish mode, where the deployment scales the one service.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddReplicas<TProject>(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource>? service, string replicasSetting, IResourceBuilder<ProjectResource>? identity)
        where TProject : IProjectMetadata, new()
    {
        var replicas = builder.ExecutionContext.IsRunMode ? builder.Configuration.GetValue(replicasSetting, 1) : 1;
        if (service is null || replicas < 2)
        {
            return [];
        }
        var stores = service.Resource.Annotations.OfType<ServiceStoresAnnotation>().Single().Stores;
        var added = new List<IResourceBuilder<ProjectResource>>();
        for (var i = 2; i <= replicas; i++)
        {
#pragma warning disable ASPIRECERTIFICATES001
            var replica = builder.AddProject<TProject>($"{service.Resource.Name}-{i}")
                .WithoutHttpsCertificate()
#pragma warning restore ASPIRECERTIFICATES001
                .WithReference(stores.Database).WaitFor(stores.Database)
                .WithReference(stores.Redis).WaitFor(stores.Redis)
                .WithHttpHealthCheck("/health")
                .WithSameServiceClientAs(service)
                .WithAnnotation(new ReplicaAnnotation(service.Resource.Name))
                .WithParentRelationship(service);
            if (identity is not null)
            {
                replica.WithReference(identity);
            }
            added.Add(replica);
        }
        return added;
    }
}

/// <summary>The stores a service was added with, so that a replica of it (<see cref="ServiceExtensions.AddReplicas"/>) uses the same ones.</summary>
public sealed record ServiceStoresAnnotation(ServiceStores Stores) : IResourceAnnotation;

/// <summary>Marks another instance of a service (e.g. <c>workflow-2</c>): it gets what the service gets from the gateway's wiring (the issuer).</summary>
public sealed record ReplicaAnnotation(string Of) : IResourceAnnotation;
