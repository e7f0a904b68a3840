using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Instances;

/// <summary>
/// The undoing of one completed step, recorded when compensation starts (all at once, in reverse order of the steps) and
/// carried out one at a time in that order: a notification (through the outbox) or a call (idempotent, retried).
/// </summary>
public sealed class Compensation : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid InstanceId { get; init; }

    /// <summary>The step execution it undoes.</summary>
    public Guid StepExecutionId { get; init; }

    public required string StepId { get; init; }

    /// <summary>1 first: the most recently completed step is undone first.</summary>
    public int Order { get; init; }

    public CompensationStatus Status { get; set; } = CompensationStatus.Pending;

    public int Attempts { get; set; }

    public string? Result { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DoneAt { get; set; }
}

public enum CompensationStatus
{
    Pending,
    Done,

    /// <summary>Every attempt failed: recorded, and the rest of the compensation goes on.</summary>
    Failed,
}
