namespace MedicalHub.AppHost;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Lets a service accept Identity's access tokens: the issuer they must name (<c>MedicalHub:Authentication:Issuer</c>,
    /// Identity's own URL until a gateway fronts it) and Identity reachable by service discovery (<c>http://identity</c>),
    /// where the service reads the signing keys and gets its own client-credentials tokens.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithIdentityAuthentication(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource>? identity)
    {
        if (identity is null)
        {
            return service;
        }
        var http = identity.GetEndpoint("http");
        return service
            .WithReference(identity)
            .WithEnvironment("MedicalHub__Authentication__Issuer", ReferenceExpression.Create($"{http.Property(EndpointProperty.Url)}/"));
    }
}
