using MedicalHub.Data.Retries;

namespace MedicalHub.Data.Outbox;

public sealed class OutboxOptions
{
    public const string SectionName = "MedicalHub:Outbox";

    /// <summary>How often the relay looks for due messages when it has not been woken.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many due messages one relay claims at a time.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Attempts before a message is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Delay before the first retry; it doubles each attempt (with full jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest time one delivery may take before it counts as failed.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1: exponential with full jitter, so failing replicas do not retry in step.</summary>
    public TimeSpan RetryDelay(int attempt, double random) => Backoff.ExponentialWithJitter(FirstRetryDelay, MaxRetryDelay, attempt, random);
}
