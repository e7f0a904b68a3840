namespace MedicalHub.Content.Api.Events;

/// <summary>
/// <c>MedicalHub:Events</c>: the services Content's integration events go to, by name (the AppHost sets them):
/// each receives every event at <c>{Url}/api/internal/events</c> with Content's client-credentials token for
/// <c>Audience</c> (the subscriber's name unless set).
/// </summary>
public sealed class IntegrationEventSettings
{
    public const string SectionName = "MedicalHub:Events";

    public Dictionary<string, EventSubscriber> Subscribers { get; set; } = new(StringComparer.Ordinal);
}

public sealed class EventSubscriber
{
    /// <summary>The subscriber's base address, e.g. <c>http://workflow</c> (service discovery).</summary>
    public Uri? Url { get; set; }

    /// <summary>The audience of the token Content sends; the subscriber's name when null.</summary>
    public string? Audience { get; set; }
}
