namespace MedicalHub.Data.Inbox;

/// <summary>
/// An integration event this service has received and handled, kept so that a redelivery (the publisher's outbox
/// delivers at least once) is recognised by its <see cref="MessageId"/> and ignored.
/// </summary>
public sealed class InboxMessage
{
    /// <summary>The publisher's outbox message id: the primary key, so two deliveries cannot both be recorded.</summary>
    public Guid MessageId { get; init; }

    public required string Type { get; init; }

    public required string Source { get; init; }

    public Guid OrganizationId { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>What the service did with it: <c>handled</c>, or <c>ignored</c> (no handler for its type).</summary>
    public required string Outcome { get; init; }
}
