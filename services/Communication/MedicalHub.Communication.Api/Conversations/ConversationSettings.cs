namespace MedicalHub.Communication.Api.Conversations;

/// <summary><c>MedicalHub:Communication:Conversations</c>: the tunable parts of messaging.</summary>
public sealed class ConversationSettings
{
    public const string SectionName = "MedicalHub:Communication:Conversations";

    /// <summary>How long after sending its author may edit or delete a message.</summary>
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Messages one user may send per <see cref="FloodWindow"/> (all conversations together); more: 429.</summary>
    public int FloodLimit { get; set; } = 30;

    public TimeSpan FloodWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A participant not connected for this long, with messages unread for this long, is notified through the delivery
    /// engine (by their preferences and quiet hours; never with the message's text).
    /// </summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the offline fallback looks for such participants.</summary>
    public TimeSpan OfflineCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The notification category of the offline fallback (recipients can opt out of a channel for it).</summary>
    public string NotificationCategory { get; set; } = "conversation-message";

    /// <summary>How often messages older than their organization's retention are removed.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The shortest retention an organization may choose.</summary>
    public int MinimumRetentionDays { get; set; } = 30;

    /// <summary>A connection counts as present while it renews its presence within this time (renewed every third of it).</summary>
    public TimeSpan PresenceTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often connections of ended sessions are looked for (session revocations are polled about every second).</summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
