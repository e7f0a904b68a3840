namespace MedicalHub.Communication.Api.Model;

/// <summary>One provider call for a delivery, as it went.</summary>
public sealed class DeliveryAttempt
{
    /// <summary>The <c>AttemptId</c> the provider was given (its idempotency/reference key where it has one).</summary>
    public required Guid Id { get; init; }

    public required Guid DeliveryId { get; init; }

    public required string Provider { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public required AttemptOutcome Outcome { get; init; }

    public string? Error { get; init; }

    public string? ProviderMessageId { get; init; }
}

public enum AttemptOutcome
{
    Sent,
    TransientFailure,
    PermanentFailure,
}
