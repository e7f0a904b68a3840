namespace MedicalHub.AppHost;

public static class CommunicationExtensions
{
    /// <summary>
    /// The Communication service's own settings: a generated secret that signs one-click unsubscribe links, and the
    /// public address those links point to (the service's own URL until a gateway fronts it).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithNotificationSettings(this IResourceBuilder<ProjectResource> communication)
    {
        var unsubscribeKey = communication.ApplicationBuilder.AddParameter("communication-unsubscribe-key",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var http = communication.GetEndpoint("http");
        return communication
            .WithEnvironment("MedicalHub__Communication__UnsubscribeKey", unsubscribeKey)
            .WithEnvironment("MedicalHub__Communication__PublicUrl", ReferenceExpression.Create($"{http.Property(EndpointProperty.Url)}/"));
    }
}
