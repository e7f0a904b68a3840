using MedicalHub.Data.Retries;

namespace MedicalHub.Communication.Api.Engine;

/// <summary>How the delivery engine works (<c>MedicalHub:Communication:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "MedicalHub:Communication:Delivery";

    /// <summary>How often an idle engine looks for due deliveries (it is also woken when this replica accepts one).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Deliveries one engine claims at a time.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Provider calls one engine makes at once.</summary>
    public int MaxParallelism { get; set; } = 16;

    /// <summary>Provider calls for one delivery (over all providers) before it is failed (dead-lettered).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Transient failures in a row with one provider before the next provider of the channel is tried.</summary>
    public int FailoverAfter { get; set; } = 2;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claim holds a delivery; a worker that has not finished by then is presumed dead and the delivery is claimed again.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest a provider call may take before it counts as a transient failure (must be well under <see cref="LeaseDuration"/>).</summary>
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryDelay(int consecutiveFailures) =>
        Backoff.ExponentialWithJitter(FirstRetryDelay, MaxRetryDelay, consecutiveFailures, Random.Shared.NextDouble());
}
