namespace MedicalHub.Data.Outbox;

/// <summary>
/// Delivers one type of outbox message. Throwing means "try again later"; throwing
/// <see cref="PermanentOutboxFailureException"/> means "this will never succeed" and dead-letters the message.
/// Delivery is at least once: use <see cref="OutboxMessage.MessageId"/> as the receiver's idempotency key.
/// </summary>
public interface IOutboxHandler
{
    /// <summary>The <see cref="OutboxMessage.Type"/> this handler delivers.</summary>
    string Type { get; }

    Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>A failure that retrying cannot fix (the receiver refused the message as invalid, say).</summary>
public sealed class PermanentOutboxFailureException(string message, Exception? inner = null) : Exception(message, inner);
