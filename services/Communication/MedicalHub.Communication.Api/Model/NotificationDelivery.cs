using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Data.Tenancy;

namespace MedicalHub.Communication.Api.Model;

/// <summary>
/// One notification on one channel: the rendered message, where it goes, and the delivery engine's state for it
/// (due time, lease, provider in use, attempts). The engine's unit of work.
/// </summary>
public sealed class NotificationDelivery : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid NotificationId { get; init; }

    public required Guid OrganizationId { get; init; }

    public required Channel Channel { get; init; }

    /// <summary>The e-mail address, phone number or device token; the user id for the in-app channel.</summary>
    public required string Address { get; init; }

    public NotificationStatus Status { get; set; } = NotificationStatus.Queued;

    public string? Subject { get; init; }

    public string? TextBody { get; init; }

    public string? HtmlBody { get; init; }

    /// <summary>Extra headers (e-mail: List-Unsubscribe...), as a JSON object of strings.</summary>
    public string HeadersJson { get; init; } = "{}";

    /// <summary>Key/value data for channels that carry it (push), as a JSON object of strings.</summary>
    public string DataJson { get; init; } = "{}";

    /// <summary>When the engine may next pick it up (the requested send time, or a retry's time).</summary>
    public DateTimeOffset NextAttemptAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Provider calls made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Position in the channel's routing of the provider to use next.</summary>
    public int ProviderIndex { get; set; }

    /// <summary>Transient failures in a row with the current provider; enough of them fail over to the next.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>The engine instance and claim holding it while <see cref="Status"/> is Sending.</summary>
    public Guid? LeaseOwner { get; set; }

    /// <summary>After this a Sending delivery is considered abandoned (its worker died) and is claimed again.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>
    /// The attempt in progress. Kept when an abandoned claim is taken over, so the provider sees the same idempotency key
    /// for the same attempt.
    /// </summary>
    public Guid? CurrentAttemptId { get; set; }

    /// <summary>The provider that last accepted (or refused) it.</summary>
    public string? Provider { get; set; }

    public string? ProviderMessageId { get; set; }

    public string? LastError { get; set; }

    /// <summary>W3C traceparent of the request that accepted the notification: each attempt joins its trace.</summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public List<DeliveryAttempt> AttemptLog { get; init; } = [];

    /// <summary>In-app: when the recipient marked it read in their inbox.</summary>
    public DateTimeOffset? ReadAt { get; set; }
}
