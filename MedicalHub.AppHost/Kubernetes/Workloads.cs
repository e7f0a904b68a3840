namespace MedicalHub.AppHost.Kubernetes;

/// <summary>What one app-model resource becomes in the cluster.</summary>
public enum WorkloadKind
{
    /// <summary>A .NET project: Deployment, Service, autoscaler, disruption budget (and a migration Job when it owns a database).</summary>
    Service,

    /// <summary>PostgreSQL: a StatefulSet with a volume per server, its databases created at first start.</summary>
    Postgres,

    /// <summary>Redis: a StatefulSet with a volume.</summary>
    Redis,
}

/// <summary>A resource the cluster runs, with the environment the app model gives it (unresolved) and what it calls.</summary>
public sealed record Workload(IResource Resource, WorkloadKind Kind, IReadOnlyList<KeyValuePair<string, object?>> Environment, IReadOnlyList<object> Arguments)
{
    public string Name => Resource.Name;

    public bool IsPublic => Endpoints.Any(e => e.IsExternal);

    public IReadOnlyList<EndpointAnnotation> Endpoints =>
        Resource.Annotations.OfType<EndpointAnnotation>().Where(e => ModelValues.ExistsInCluster(e, Resource)).ToList();

    /// <summary>The databases this workload's environment names (it owns their schema and migrates it).</summary>
    public IReadOnlyList<PostgresDatabaseResource> Databases { get; init; } = [];

    public string Component => Kind switch
    {
        WorkloadKind.Service => IsPublic ? "gateway" : "api",
        WorkloadKind.Postgres => "database",
        _ => "cache",
    };

    public string SizingKind => Kind.ToString();
}

/// <summary>Sorts the app model's resources into what the cluster runs, and refuses what it does not know.</summary>
public static class WorkloadCatalog
{
    public static async Task<IReadOnlyList<Workload>> ReadAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext,
        CancellationToken cancellationToken)
    {
        var workloads = new List<Workload>();
        var unknown = new List<string>();
        foreach (var resource in model.Resources)
        {
            if (resource.IsExcludedFromPublish())
            {
                continue;
            }
            WorkloadKind? kind = resource switch
            {
                ProjectResource => WorkloadKind.Service,
                PostgresServerResource => WorkloadKind.Postgres,
                RedisResource => WorkloadKind.Redis,
                // Values that live in other resources: parameters (Secrets, ConfigMaps) and databases (on their server).
                ParameterResource or PostgresDatabaseResource => null,
                _ => null,
            };
            if (kind is null)
            {
                if (resource is not (ParameterResource or PostgresDatabaseResource))
                {
                    unknown.Add(Unknown(resource));
                }
                continue;
            }
            var environment = await EnvironmentAsync(resource, executionContext, cancellationToken);
            var arguments = await ArgumentsAsync(resource, executionContext, cancellationToken);
            workloads.Add(new Workload(resource, kind.Value, environment, arguments)
            {
                Databases = environment.Select(e => e.Value).OfType<ConnectionStringReference>().Select(r => r.Resource)
                    .Concat(environment.Select(e => e.Value).OfType<IResourceWithConnectionString>())
                    .OfType<PostgresDatabaseResource>().Distinct().ToList(),
            });
        }
        return unknown.Count == 0 ? workloads : throw new KubernetesPublishingException(string.Join(Environment.NewLine, unknown));
    }

    private static string Unknown(IResource resource) => (
        $"The resource '{resource.Name}' is a {resource.GetType().Name}, which the Kubernetes publisher does not know how to run. "
        + "Teach it (MedicalHub.AppHost/Kubernetes/Workloads.cs: what the resource becomes, its probes, user and sizing) "
        + "or keep the resource out of publishing (.ExcludeFromManifest()) if a deployment does not need it.");

    private static async Task<IReadOnlyList<KeyValuePair<string, object?>>> EnvironmentAsync(IResource resource,
        DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var context = new EnvironmentCallbackContext(executionContext, resource, cancellationToken: cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables.Select(pair => new KeyValuePair<string, object?>(pair.Key, pair.Value)).ToList();
    }

    private static async Task<IReadOnlyList<object>> ArgumentsAsync(IResource resource,
        DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var arguments = new List<object>();
        var context = new CommandLineArgsCallbackContext(arguments, resource, cancellationToken) { ExecutionContext = executionContext };
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return arguments;
    }
}
