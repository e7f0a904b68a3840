namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// Something the engine must do for an instance, at or after <see cref="DueAt"/>: fire a timer, end a wait that timed out,
/// check an SLA, run a service call or the next compensation, carry on after a pause. Claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> in the transaction that does the work and deletes the item, so a crash anywhere leaves
/// it to be done again, and done once. Internal to the engine (never served), hence not organization-scoped by the
/// context's filter: the engine acts for the item's organization when it processes it.
/// </summary>
public sealed class WorkItem
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid InstanceId { get; init; }

    public Guid? StepExecutionId { get; init; }

    /// <summary>What to do: see <see cref="WorkKinds"/>.</summary>
    public required string Kind { get; init; }

    public DateTimeOffset DueAt { get; set; }

    /// <summary>Held while the instance is paused: the claim skips it; resuming releases it.</summary>
    public bool Held { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

public static class WorkKinds
{
    /// <summary>A timer step's due time.</summary>
    public const string Timer = "timer";

    /// <summary>A task or event step waited long enough.</summary>
    public const string Timeout = "timeout";

    /// <summary>A step's SLA runs out.</summary>
    public const string Sla = "sla";

    /// <summary>Run the step (after a pause, or a step the engine carries out itself).</summary>
    public const string Run = "run";

    /// <summary>A sub-pathway step's child instance ended: end the step with the child's outcome.</summary>
    public const string ChildEnded = "child-ended";

    /// <summary>A service-call step's call (the call lane: it waits on another service).</summary>
    public const string Call = "call";

    /// <summary>The next pending compensation of the instance (the call lane: it may call another service).</summary>
    public const string Compensate = "compensate";

    /// <summary>Kinds that may wait on another service: handled by the call workers, not in the timer batches.</summary>
    public static readonly string[] CallLane = [Call, Compensate];
}

/// <summary>A work item the engine found with nothing left to do (its instance deleted): kept as a record of the harmless outcome.</summary>
public sealed class DiscardedWorkItem
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid InstanceId { get; init; }

    public Guid? StepExecutionId { get; init; }

    public required string Kind { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public DateTimeOffset DiscardedAt { get; init; }

    public required string Reason { get; init; }
}
