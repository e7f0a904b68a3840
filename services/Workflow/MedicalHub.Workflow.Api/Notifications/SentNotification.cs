using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Notifications;

/// <summary>
/// A notification a step (or a compensation) asked Communication for, through the outbox: queued with the step,
/// accepted by Communication (its notification id), then followed by its <c>delivery.*</c> events.
/// </summary>
public sealed class SentNotification : IOrganizationOwned
{
    /// <summary>The outbox message that carries it (also Communication's Idempotency-Key).</summary>
    public Guid OutboxMessageId { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid InstanceId { get; init; }

    public Guid? StepExecutionId { get; init; }

    public Guid? CompensationId { get; init; }

    /// <summary>Communication's id, once it accepted the notification.</summary>
    public Guid? NotificationId { get; set; }

    /// <summary>queued (in the outbox), accepted, then the last delivery event: sent, delivered, failed, bounced.</summary>
    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
