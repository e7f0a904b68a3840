using MedicalHub.Data.Tenancy;

namespace MedicalHub.Communication.Api.Model;

/// <summary>
/// A message to one recipient, accepted once and tracked until every channel it goes out on is delivered or has
/// definitively failed. Its content is rendered when it is accepted; each channel is a <see cref="Delivery"/>.
/// </summary>
public sealed class Notification : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid OrganizationId { get; init; }

    /// <summary>What the notification is about (account-security, appointment-reminder, document-shared, ...); preferences are kept per category.</summary>
    public required string Category { get; init; }

    /// <summary>Who it is for, as given: a user id, e-mail address, phone number or device token (listing filters on it).</summary>
    public required string Recipient { get; init; }

    /// <summary>The recipient as a MedicalHub user, when the sender named one (preferences apply).</summary>
    public Guid? RecipientUserId { get; init; }

    public NotificationStatus Status { get; set; } = NotificationStatus.Queued;

    public string? TemplateKey { get; init; }

    /// <summary>The locale the content was rendered in (the template variant chosen).</summary>
    public string? Locale { get; init; }

    /// <summary>When the sender asked for it to go out; null for now.</summary>
    public DateTimeOffset? SendAt { get; init; }

    /// <summary>The sender's key: one organization never gets two notifications for the same key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>SHA-256 of the accepted request, to tell a replay from a different request reusing the key.</summary>
    public string? RequestHash { get; init; }

    /// <summary>Who asked: a user id or a service's client id.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>W3C traceparent of the accepting request: delivery continues its trace.</summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public List<NotificationDelivery> Deliveries { get; init; } = [];
}
