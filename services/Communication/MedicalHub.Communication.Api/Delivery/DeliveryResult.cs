namespace MedicalHub.Communication.Api.Delivery;

public enum DeliveryOutcome
{
    /// <summary>The provider accepted the message.</summary>
    Sent,

    /// <summary>Timeout, 5xx, 429, connection refused: worth retrying, later or with another provider.</summary>
    TransientFailure,

    /// <summary>The provider refused this message for good (bad address, 4xx other than 408/429): retrying cannot help.</summary>
    PermanentFailure,
}

/// <param name="ProviderMessageId">The provider's id for the message, used to match its later status webhooks.</param>
/// <param name="RetryAfter">The provider's <c>Retry-After</c>, when it sent one.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string? ProviderMessageId = null, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Sent(string? providerMessageId) => new(DeliveryOutcome.Sent, providerMessageId);

    public static DeliveryResult Transient(string error, TimeSpan? retryAfter = null) => new(DeliveryOutcome.TransientFailure, Error: error, RetryAfter: retryAfter);

    public static DeliveryResult Permanent(string error) => new(DeliveryOutcome.PermanentFailure, Error: error);
}
