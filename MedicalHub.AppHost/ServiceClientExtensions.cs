namespace MedicalHub.AppHost;

public static class ServiceClientExtensions
{
    /// <summary>
    /// Makes a service a confidential client of Identity (client credentials, for its calls to other services):
    /// a generated secret parameter <c>&lt;service&gt;-client-secret</c>, given to Identity as the client's secret
    /// (<c>MedicalHub:Identity:ServiceClients:&lt;service&gt;:Secret</c>) and to the service with its client id
    /// (<c>MedicalHub:ServiceClient:ClientId</c> and <c>:Secret</c>). The client's audiences and permissions are
    /// Identity's configuration (its appsettings.json). The service also finds Identity by service discovery
    /// (<c>http://identity</c>): the signing keys it checks tokens with, and the token endpoint.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithServiceClient(this IResourceBuilder<ProjectResource>? service, IResourceBuilder<ProjectResource>? identity)
    {
        if (service is null)
        {
            return null;
        }
        var name = service.Resource.Name;
        var secret = service.ApplicationBuilder.AddParameter($"{name}-client-secret",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        service
            .WithEnvironment("MedicalHub__ServiceClient__ClientId", name)
            .WithEnvironment("MedicalHub__ServiceClient__Secret", secret);
        if (identity is not null)
        {
            identity.WithEnvironment($"MedicalHub__Identity__ServiceClients__{name}__Secret", secret);
            if (identity.Resource != service.Resource)
            {
                service.WithReference(identity);
            }
        }
        return service;
    }

    /// <summary>Another instance of <paramref name="original"/> (a replica) uses its client id and secret.</summary>
    public static IResourceBuilder<ProjectResource> WithSameServiceClientAs(this IResourceBuilder<ProjectResource> replica, IResourceBuilder<ProjectResource> original)
    {
        var name = original.Resource.Name;
        var secret = replica.ApplicationBuilder.Resources.OfType<ParameterResource>().Single(p => p.Name == $"{name}-client-secret");
        return replica
            .WithEnvironment("MedicalHub__ServiceClient__ClientId", name)
            .WithEnvironment("MedicalHub__ServiceClient__Secret", replica.ApplicationBuilder.CreateResourceBuilder(secret));
    }
}
