namespace MedicalHub.AppHost;

public static class ContentExtensions
{
    /// <summary>
    /// Content's outbox relay notifies a share's recipient through Communication's API with Content's own client-credentials
    /// token (<c>http://communication</c> by service discovery). Content does not wait for Communication: an outage only
    /// delays the notifications, which wait in the outbox.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithShareNotifications(this IResourceBuilder<ProjectResource>? content, IResourceBuilder<ProjectResource>? communication)
    {
        if (content is not null && communication is not null)
        {
            content.WithReference(communication);
        }
        return content;
    }
}
