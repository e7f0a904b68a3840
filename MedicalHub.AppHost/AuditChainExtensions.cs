namespace MedicalHub.AppHost;

public static class AuditChainExtensions
{
    /// <summary>
    /// The key that signs a service's tamper-evident audit chain (MedicalHub.Data's <c>AuditChain</c>): a generated secret
    /// parameter <c>&lt;service&gt;-audit-key</c>, kept with the AppHost's secrets, given as <c>MedicalHub:AuditChain:Key</c>.
    /// To rotate, a deployment passes the old value in <c>MedicalHub:AuditChain:RetiredKeys:0</c> and sets a new one:
    /// each entry names the key that signed it.
    /// </summary>
    /// <param name="keyOwner">The service whose key it is (a replica, e.g. <c>communication-2</c>, signs with <c>communication</c>'s); default: this one.</param>
    public static IResourceBuilder<ProjectResource>? WithAuditChainKey(this IResourceBuilder<ProjectResource>? service, string? keyOwner = null)
    {
        if (service is null)
        {
            return null;
        }
        var key = service.ApplicationBuilder.SharedParameter($"{keyOwner ?? service.Resource.Name}-audit-key", b => b.AddParameter(
            $"{keyOwner ?? service.Resource.Name}-audit-key", new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true, persist: true));
        return service.WithEnvironment("MedicalHub__AuditChain__Key", key);
    }
}

public static class SharedParameterExtensions
{
    /// <summary>The parameter named <paramref name="name"/>, added by <paramref name="add"/> the first time: replicas of a service share its secrets.</summary>
    public static IResourceBuilder<ParameterResource> SharedParameter(this IDistributedApplicationBuilder builder, string name,
        Func<IDistributedApplicationBuilder, IResourceBuilder<ParameterResource>> add) =>
        builder.Resources.OfType<ParameterResource>().SingleOrDefault(p => p.Name == name) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : add(builder);
}
