namespace MedicalHub.AppHost;

public static class IdentityExtensions
{
    /// <summary>
    /// The token server's configuration: a generated secret from which Identity derives the key that
    /// encrypts its stored signing keys, and the issuer URL written into tokens (the service's own URL
    /// until a gateway fronts it).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTokenServer(this IResourceBuilder<ProjectResource> identity)
    {
        var keyEncryptionKey = identity.ApplicationBuilder.AddParameter("identity-key-encryption-key",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var http = identity.GetEndpoint("http");
        identity
            .WithEnvironment("MedicalHub__Identity__KeyEncryptionKey", keyEncryptionKey)
            .WithEnvironment("MedicalHub__Identity__Issuer", ReferenceExpression.Create($"{http.Property(EndpointProperty.Url)}/"));

        // The demo practice's users share this password (run mode only: Identity seeds them in Development).
        if (identity.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            var demoPassword = identity.ApplicationBuilder.AddParameter("identity-demo-password",
                new GenerateParameterDefault { MinLength = 16, Special = false }, secret: true, persist: true);
            identity.WithEnvironment("MedicalHub__Identity__DemoPassword", demoPassword);
        }

        // scripts/benchmark-identity.sh turns the per-address throttling off for its run
        // (MedicalHub:Identity:Throttling:Enabled=false); never set otherwise.
        if (identity.ApplicationBuilder.Configuration["MedicalHub:Identity:Throttling:Enabled"] is { Length: > 0 } throttling)
        {
            identity.WithEnvironment("MedicalHub__Identity__Throttling__Enabled", throttling);
        }
        return identity;
    }

    /// <summary>
    /// Patient portal invitations check the patient record with Content (<c>http://content</c> by service discovery) with
    /// Identity's client-credentials token. Identity does not wait for Content: while it is down, patient invitations
    /// answer 503 and nothing else is affected.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithPatientRecords(this IResourceBuilder<ProjectResource>? identity, IResourceBuilder<ProjectResource>? content)
    {
        if (identity is not null && content is not null)
        {
            identity.WithReference(content);
        }
        return identity;
    }
}
