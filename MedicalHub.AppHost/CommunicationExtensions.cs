using MedicalHub.AppHost.LocalInfrastructure;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost;

public static class CommunicationExtensions
{
    /// <summary>
    /// The Communication service's own settings: a generated secret that signs one-click unsubscribe links, and the
    /// public address those links point to (the service's own URL until a gateway fronts it).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithNotificationSettings(this IResourceBuilder<ProjectResource> communication)
    {
        var unsubscribeKey = communication.ApplicationBuilder.SharedParameter("communication-unsubscribe-key", b => b.AddParameter("communication-unsubscribe-key",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true));
        var http = communication.GetEndpoint("http");
        return communication
            .WithEnvironment("MedicalHub__Communication__UnsubscribeKey", unsubscribeKey)
            .WithEnvironment("MedicalHub__Communication__PublicUrl", ReferenceExpression.Create($"{http.Property(EndpointProperty.Url)}/"));
    }

    /// <summary>
    /// Conversations: Content reached by service discovery (<c>http://content</c>: attachments read with the sender's token and
    /// shared with the service's, exports written into the patient's record), and message access recorded in an audit chain
    /// signed with the generated secret <c>communication-audit-key</c> (shared by every replica). Communication does not
    /// wait for Content: a call to it while it is down is a 503 to the user, a share waits in the outbox.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConversations(this IResourceBuilder<ProjectResource> communication, IResourceBuilder<ProjectResource>? content)
    {
        communication.WithAuditChainKey(keyOwner: "communication");
        if (content is not null)
        {
            communication.WithReference(content);
        }
        return communication;
    }

    /// <summary>
    /// <c>MedicalHub:Communication:Replicas</c> (run mode only; default 1): more Communication instances (<c>communication-2</c>, …)
    /// on the same database and Redis, with the same client credentials, secrets, providers and targets. The gateway spreads
    /// requests and hub connections over all of them (its <c>communication</c> clusters get each replica as a destination);
    /// the hub's Redis backplane delivers every replica's pushes to every connection; the delivery engines share the work
    /// through the database. Service discovery's <c>http://communication</c> (other services' calls) names the first.
    /// </summary>
    public static void AddCommunicationReplicas<TProject>(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource>? communication,
        IResourceBuilder<ProjectResource>? identity, IResourceBuilder<ProjectResource>? content, IResourceBuilder<IResourceWithEndpoints>? mail)
        where TProject : IProjectMetadata, new()
    {
        foreach (var replica in builder.AddReplicas<TProject>(communication, "MedicalHub:Communication:Replicas", identity))
        {
            replica.WithMailSink(mail)
                .WithNotificationSettings()
                .WithDeliveryProviders()
                .WithConversations(content);
        }
    }
}
