namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// What the suite adds to the Content service's configuration: <see cref="FakeEventSubscriber"/> as a subscriber of its
/// integration events, and a quick outbox relay with short retry delays, so deliveries and redeliveries are seen in seconds.
/// </summary>
internal static class ContentStackSettings
{
    public static void Apply(IDistributedApplicationTestingBuilder builder)
    {
        if (builder.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name == "content") is not { } content)
        {
            return;
        }
        content.Annotations.Add(new EnvironmentCallbackAnnotation(env =>
        {
            env[$"MedicalHub__Events__Subscribers__{FakeEventSubscriber.Name}__Url"] = FakeEventSubscriber.Address.ToString();
            env[$"MedicalHub__Events__Subscribers__{FakeEventSubscriber.Name}__Audience"] = FakeEventSubscriber.Audience;
            env["MedicalHub__Outbox__PollInterval"] = "00:00:00.200";
            env["MedicalHub__Outbox__FirstRetryDelay"] = "00:00:00.200";
            env["MedicalHub__Outbox__MaxRetryDelay"] = "00:00:01";
        }));
    }
}
