namespace MedicalHub.AppHost.LocalInfrastructure;

/// <summary>How the AppHost runs each service's PostgreSQL and Redis (setting <c>MedicalHub:Infrastructure</c>).</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers, otherwise local processes.</summary>
    Auto,

    /// <summary>Always containers (what publish mode describes).</summary>
    Containers,

    /// <summary>The machine's own <c>postgres</c> and <c>redis-server</c>, started as processes.</summary>
    Processes,
}

public static class InfrastructureModeResolver
{
    /// <summary>
    /// Publish mode always describes containers, whatever is configured: the manifest is for Kubernetes or
    /// Azure Container Apps, where local binaries mean nothing. The runtime is only probed when it matters.
    /// </summary>
    public static InfrastructureMode Resolve(InfrastructureMode configured, bool isPublishMode, Func<bool> containerRuntimeIsHealthy)
    {
        if (isPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        return configured switch
        {
            InfrastructureMode.Auto => containerRuntimeIsHealthy() ? InfrastructureMode.Containers : InfrastructureMode.Processes,
            _ => configured,
        };
    }

    public static InfrastructureMode Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? InfrastructureMode.Auto
        : Enum.TryParse<InfrastructureMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode) ? mode
        : throw new InvalidOperationException(
            $"MedicalHub:Infrastructure is '{value}'; use one of {string.Join(", ", Enum.GetNames<InfrastructureMode>())}.");
}
