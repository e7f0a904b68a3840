using System.Text.Json;
using MedicalHub.Data.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Events;

/// <summary>
/// Publishes Content's integration events (<c>patient.created</c>…) through its transactional outbox: one outbox message
/// per subscriber, written in the caller's unit of work, so the event leaves if and only if the change commits, and a
/// subscriber that is down delays only its own copy. <see cref="IntegrationEventDelivery"/> sends each one.
/// </summary>
public sealed class IntegrationEventOutbox(IOptions<IntegrationEventSettings> settings, TimeProvider time)
{
    /// <summary>The <c>Source</c> of Content's events.</summary>
    public const string Source = "content";

    /// <summary>The outbox message type of the copies for one subscriber.</summary>
    public static string MessageTypeFor(string subscriber) => $"integration-event:{subscriber}";

    /// <summary>Queues <paramref name="type"/> with <paramref name="data"/> for every subscriber, in <paramref name="db"/>'s unit of work.</summary>
    public void Publish<TData>(DbContext db, string type, Guid organizationId, TData data)
    {
        var queued = new QueuedEvent(type, organizationId, time.GetUtcNow(), JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web));
        foreach (var subscriber in settings.Value.Subscribers.Keys)
        {
            db.AddOutboxMessage(MessageTypeFor(subscriber), queued);
        }
    }
}

/// <summary>An event as it waits in the outbox; its message id is the outbox message's.</summary>
internal sealed record QueuedEvent(string Type, Guid OrganizationId, DateTimeOffset OccurredAt, JsonElement Data);
