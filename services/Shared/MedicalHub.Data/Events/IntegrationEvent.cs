using System.Text.Json;

namespace MedicalHub.Data.Events;

/// <summary>
/// The wire form of an event one service publishes for the others (<c>patient.created</c>,
/// <c>document.ingested</c>, <c>delivery.failed</c>…). It leaves the publisher through its transactional
/// outbox and is POSTed as JSON to each subscriber's <c>POST /api/internal/events</c> with the publisher's
/// client-credentials token. Delivery is at least once: a subscriber records <see cref="MessageId"/> in its
/// inbox and ignores a message it has already handled.
/// </summary>
/// <param name="MessageId">The outbox message id: the idempotency key of every subscriber.</param>
/// <param name="Type">What happened, <c>{aggregate}.{past-tense verb}</c>, e.g. <c>patient.merged</c>.</param>
/// <param name="Source">The publishing service (<c>content</c>, <c>communication</c>…).</param>
/// <param name="OrganizationId">The organization the event belongs to (events are always of one organization).</param>
/// <param name="OccurredAt">When the change was committed by the publisher.</param>
/// <param name="Data">The event's own fields; each type documents its shape in the publisher's page under docs/.</param>
public sealed record IntegrationEvent(
    Guid MessageId,
    string Type,
    string Source,
    Guid OrganizationId,
    DateTimeOffset OccurredAt,
    JsonElement Data)
{
    /// <summary>The path every subscriber serves (service-token only).</summary>
    public const string SubscriberPath = "/api/internal/events";
}
