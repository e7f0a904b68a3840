namespace MedicalHub.AppHost;

public static class IntegrationEventExtensions
{
    /// <summary>
    /// <paramref name="subscriber"/> receives <paramref name="publisher"/>'s integration events: the publisher's outbox
    /// POSTs each to <c>http://&lt;subscriber&gt;/api/internal/events</c> (service discovery) with its client-credentials
    /// token for the subscriber's audience (<c>MedicalHub:Events:Subscribers:&lt;subscriber&gt;:Url</c>). The publisher does
    /// not wait for the subscriber: events wait in its outbox while the subscriber is away. Either left out of the run: nothing.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithEventSubscriber(this IResourceBuilder<ProjectResource>? publisher, IResourceBuilder<ProjectResource>? subscriber)
    {
        if (publisher is null || subscriber is null)
        {
            return publisher;
        }
        var name = subscriber.Resource.Name;
        return publisher
            .WithReference(subscriber)
            .WithEnvironment($"MedicalHub__Events__Subscribers__{name}__Url", $"http://{name}");
    }
}
