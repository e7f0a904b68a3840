namespace MedicalHub.Communication.Api.Model;

/// <summary>A message to one recipient, tracked until it is delivered or has definitively failed.</summary>
public sealed class Notification
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid OrganizationId { get; init; }

    /// <summary>What the notification is about (account-security, appointment-reminder, document-shared, ...); preferences are kept per category.</summary>
    public required string Category { get; init; }

    /// <summary>A user id, e-mail address, phone number or device token.</summary>
    public required string Recipient { get; init; }

    public NotificationStatus Status { get; set; } = NotificationStatus.Queued;

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
