using MedicalHub.Data.Retries;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>How the pathway engine works (<c>MedicalHub:Workflow:Engine</c>).</summary>
public sealed class EngineOptions
{
    public const string SectionName = "MedicalHub:Workflow:Engine";

    /// <summary>How often an idle engine looks for due work (it is also woken when this replica queues work due now). Timers fire within this of their due time when the engine keeps up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Work items (timers, timeouts, SLA checks) one transaction claims and carries out.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Organizations served per pass, each in its own transaction.</summary>
    public int OrganizationsPerPass { get; set; } = 8;

    /// <summary>Service calls and compensations one engine carries out at once.</summary>
    public int CallParallelism { get; set; } = 4;

    /// <summary>Longest a service call may take before it counts as a failure worth retrying.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts of one service call (or compensation call) before it is recorded as failed.</summary>
    public int MaxCallAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The platform services a pathway may call, by discovery name.</summary>
    public string[] CallableServices { get; set; } = ["content", "communication"];

    /// <summary>Steps one advance may enter without reaching a wait: a guard behind the validator's cycle check.</summary>
    public int MaxStepsPerAdvance { get; set; } = 100;

    /// <summary>How deep sub-pathways may nest.</summary>
    public int MaxSubPathwayDepth { get; set; } = 5;

    public TimeSpan RetryDelay(int attempt) => Backoff.ExponentialWithJitter(FirstRetryDelay, MaxRetryDelay, attempt, Random.Shared.NextDouble());
}
