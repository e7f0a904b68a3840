namespace MedicalHub.AppHost;

public static class AuditChainExtensions
{
    /// <summary>
    /// The key that signs a service's tamper-evident audit chain (MedicalHub.Data's <c>AuditChain</c>): a generated secret
    /// parameter <c>&lt;service&gt;-audit-key</c>, kept with the AppHost's secrets, given as <c>MedicalHub:AuditChain:Key</c>.
    /// To rotate, a deployment passes the old value in <c>MedicalHub:AuditChain:RetiredKeys:0</c> and sets a new one:
    /// each entry names the key that signed it.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithAuditChainKey(this IResourceBuilder<ProjectResource>? service)
    {
        if (service is null)
        {
            return null;
        }
        var key = service.ApplicationBuilder.AddParameter($"{service.Resource.Name}-audit-key",
            new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true, persist: true);
        return service.WithEnvironment("MedicalHub__AuditChain__Key", key);
    }
}
