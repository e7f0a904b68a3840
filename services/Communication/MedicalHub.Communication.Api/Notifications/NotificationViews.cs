using MedicalHub.Communication.Api.Model;

namespace MedicalHub.Communication.Api.Notifications;

public sealed record NotificationView(
    Guid Id,
    Guid OrganizationId,
    string Category,
    string Recipient,
    Guid? RecipientUserId,
    string Status,
    string? Template,
    string? Locale,
    DateTimeOffset? SendAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ChannelView[] Channels)
{
    public static NotificationView From(Notification n) => new(n.Id, n.OrganizationId, n.Category, n.Recipient, n.RecipientUserId, StatusName(n.Status),
        n.TemplateKey, n.Locale, n.SendAt, n.CreatedAt, n.UpdatedAt,
        [.. n.Deliveries.OrderBy(d => d.Channel).Select(ChannelView.From)]);

    public static string StatusName(NotificationStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>One channel of a notification: its status and every provider call made for it.</summary>
public sealed record ChannelView(
    string Channel,
    string Address,
    string Status,
    string? Provider,
    string? ProviderMessageId,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? SentAt,
    string? LastError,
    AttemptView[] AttemptLog)
{
    public static ChannelView From(NotificationDelivery d) => new(d.Channel.ToString().ToLowerInvariant(), d.Address, NotificationView.StatusName(d.Status),
        d.Provider, d.ProviderMessageId, d.Attempts,
        d.Status is NotificationStatus.Queued or NotificationStatus.Scheduled ? d.NextAttemptAt : null,
        d.SentAt, d.LastError,
        [.. d.AttemptLog.OrderBy(a => a.StartedAt).Select(a => new AttemptView(a.Id, a.Provider, a.StartedAt, a.FinishedAt,
            a.Outcome switch { AttemptOutcome.Sent => "sent", AttemptOutcome.PermanentFailure => "permanent-failure", _ => "transient-failure" },
            a.Error, a.ProviderMessageId))]);
}

public sealed record AttemptView(Guid Id, string Provider, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, string? Error, string? ProviderMessageId);

public sealed record NotificationSummary(Guid Id, string Category, string Recipient, string Status, DateTimeOffset? SendAt, DateTimeOffset CreatedAt);

public sealed record NotificationPage(NotificationSummary[] Items, int Page, int PageSize, int Total);
