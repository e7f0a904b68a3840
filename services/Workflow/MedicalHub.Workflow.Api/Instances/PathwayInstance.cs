using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Instances;

/// <summary>One patient's run of a pathway version. Its steps are <see cref="StepExecution"/>s; one is open at a time.</summary>
public sealed class PathwayInstance : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid PathwayId { get; init; }

    /// <summary>The version it runs: fixed at the start, changed only by an explicit migration.</summary>
    public Guid VersionId { get; set; }

    public Guid PatientId { get; set; }

    public InstanceStatus Status { get; set; } = InstanceStatus.Running;

    /// <summary>How it ended: the end step's outcome (<c>completed</c> by default), <c>cancelled</c>, <c>failed</c>.</summary>
    public string? Outcome { get; set; }

    /// <summary>Values given at the start and set by steps (JSON object), read by conditions as <c>vars.*</c>.</summary>
    public string Variables { get; set; } = "{}";

    /// <summary>The data of the last event it received (JSON), read as <c>event.*</c>.</summary>
    public string? LastEvent { get; set; }

    /// <summary>The id of the step now open (null when ended); kept here for lists and analytics.</summary>
    public string? CurrentStepId { get; set; }

    public Guid? ParentInstanceId { get; init; }

    /// <summary>0 for a top-level instance, 1 for its sub-pathway, and so on (bounded).</summary>
    public int Depth { get; init; }

    /// <summary>How many steps it has entered: the next step's <see cref="StepExecution.Sequence"/> is one more.</summary>
    public int StepCount { get; set; }

    public Guid? ParentStepExecutionId { get; init; }

    /// <summary>How it was started: manual, apply (FHIR $apply), event, bulk, sub-pathway.</summary>
    public required string Trigger { get; init; }

    /// <summary>Who started it: <c>user:&lt;id&gt;</c>, <c>event:&lt;message id&gt;</c>, <c>instance:&lt;parent id&gt;</c>.</summary>
    public required string StartedBy { get; init; }

    /// <summary>Makes a start idempotent (unique per organization): the event and the pathway, or the caller's Idempotency-Key and the patient.</summary>
    public string? StartKey { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set while paused or compensating: whether compensation was asked for by a cancel (then the instance ends cancelled).</summary>
    public bool CancelRequested { get; set; }

    public uint RowVersion { get; set; }

    public bool IsEnded => Status is InstanceStatus.Completed or InstanceStatus.Cancelled or InstanceStatus.Failed;
}

public enum InstanceStatus
{
    Running,
    Paused,
    /// <summary>Undoing its completed steps in reverse order.</summary>
    Compensating,
    Completed,
    Cancelled,
    Failed,
}
