using MedicalHub.Data.Events;

namespace MedicalHub.Data.Inbox;

/// <summary>
/// Reacts to integration events of the types it names. It runs inside the inbox's transaction, with the service's
/// DbContext acting for the event's organization: what it writes commits together with the inbox record, or not at all
/// (then the publisher's redelivery runs it again). It must not call other services; side effects go through the outbox.
/// </summary>
public interface IIntegrationEventConsumer
{
    /// <summary>Whether this handler reacts to <paramref name="type"/> (e.g. <c>patient.created</c>, or every <c>delivery.*</c>).</summary>
    bool ReactsTo(string type);

    Task HandleAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken);
}

/// <summary>The event is well-formed but cannot be handled as it is (a field its type requires is missing): a 4xx for the publisher.</summary>
public sealed class InvalidIntegrationEventException(string message) : Exception(message);
