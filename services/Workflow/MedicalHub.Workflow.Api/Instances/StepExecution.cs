using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Instances;

/// <summary>One step of an instance as it ran: when it started and ended, who ended it, with which outcome. The instance's step history.</summary>
public sealed class StepExecution : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid InstanceId { get; init; }

    /// <summary>The instance's patient, kept here so an event finds the steps waiting for it in one indexed look-up.</summary>
    public Guid PatientId { get; set; }

    public required string StepId { get; set; }

    public required string StepType { get; init; }

    /// <summary>1, 2, 3… within the instance: the order steps ran in.</summary>
    public int Sequence { get; init; }

    public StepStatus Status { get; set; } = StepStatus.Active;

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>When its SLA runs out (null: no SLA).</summary>
    public DateTimeOffset? SlaDueAt { get; init; }

    public DateTimeOffset? SlaBreachedAt { get; set; }

    /// <summary>Who ended it: <c>user:&lt;id&gt;</c>, <c>engine</c>, <c>timer</c>, <c>event:&lt;message id&gt;</c>…</summary>
    public string? Actor { get; set; }

    public string? Outcome { get; set; }

    public string? Note { get; set; }

    /// <summary>What the step produced (JSON): a service call's answer, a task's outcome, a child instance's id.</summary>
    public string? Result { get; set; }

    /// <summary>For an event step: the event type it waits for.</summary>
    public string? WaitEventType { get; set; }

    /// <summary>Service calls made (retries included).</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public bool IsOpen => Status is StepStatus.Active or StepStatus.Waiting;
}

public enum StepStatus
{
    /// <summary>Being carried out by the engine (a service call in progress, a compensation running).</summary>
    Active,

    /// <summary>Waiting for a person, a timer, an event or a child instance.</summary>
    Waiting,
    Completed,

    /// <summary>Closed without completing: the instance was cancelled or migrated past it.</summary>
    Cancelled,
    Failed,
}
