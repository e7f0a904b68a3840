namespace MedicalHub.Data.Outbox;

/// <summary>
/// Something this service must cause elsewhere (send an e-mail through Communication, start a pathway),
/// written in the same transaction as the change that caused it, and delivered later by the relay.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; init; }

    /// <summary>Stable identity of the message: receivers use it as the idempotency key, since delivery is at least once.</summary>
    public Guid MessageId { get; init; } = Guid.CreateVersion7();

    /// <summary>What to do with it: selects the <see cref="IOutboxHandler"/>.</summary>
    public required string Type { get; init; }

    /// <summary>JSON document the handler understands.</summary>
    public required string Payload { get; init; }

    /// <summary>W3C traceparent of the request that wrote the message, so its delivery joins the same trace.</summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset NextAttemptAt { get; set; } = DateTimeOffset.UtcNow;

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    /// <summary>Set when the message will not be tried again (last attempt failed, or a permanent failure).</summary>
    public DateTimeOffset? DeadLetteredAt { get; set; }
}
