using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Tasks;

/// <summary>
/// Work for a person: created by a pathway's task step (or an SLA escalation, or by hand), assigned to a role or a
/// member, claimed by one member at a time, completed once with an outcome and a note. Also FHIR <c>Task</c>.
/// </summary>
public sealed class CareTask : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid? InstanceId { get; init; }

    public Guid? StepExecutionId { get; init; }

    /// <summary>The patient the task is about (the instance's, or given by hand).</summary>
    public Guid? PatientId { get; set; }

    /// <summary>pathway (a task step), escalation (an SLA breach), manual.</summary>
    public required string Kind { get; init; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public string? AssignedRole { get; set; }

    public Guid? AssignedUserId { get; set; }

    public Guid? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    public CareTaskStatus Status { get; set; } = CareTaskStatus.Ready;

    public string Priority { get; set; } = TaskPriorities.Routine;

    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The outcomes the person completing it may choose (null: any).</summary>
    public string[]? AllowedOutcomes { get; init; }

    public string? Outcome { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public Guid? CompletedBy { get; set; }

    /// <summary>Documents (Content's ids) the task refers to.</summary>
    public Guid[] LinkedDocumentIds { get; set; } = [];

    /// <summary>Other patients the task refers to (a family member, a merged record).</summary>
    public Guid[] LinkedPatientIds { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public uint RowVersion { get; set; }

    public bool IsOpen => Status is CareTaskStatus.Ready or CareTaskStatus.InProgress or CareTaskStatus.OnHold;
}

public enum CareTaskStatus
{
    /// <summary>Waiting for someone to claim it.</summary>
    Ready,

    /// <summary>Claimed.</summary>
    InProgress,

    /// <summary>Its pathway is paused.</summary>
    OnHold,
    Completed,
    Cancelled,
}

/// <summary>FHIR's request priorities, most urgent last.</summary>
public static class TaskPriorities
{
    public const string Routine = "routine";
    public const string Urgent = "urgent";
    public const string Asap = "asap";
    public const string Stat = "stat";

    public static readonly IReadOnlyList<string> All = [Routine, Urgent, Asap, Stat];

    /// <summary>0 (routine) to 3 (stat): work lists sort by it, most urgent first.</summary>
    public static int Rank(string priority) => priority switch
    {
        Stat => 3,
        Asap => 2,
        Urgent => 1,
        _ => 0,
    };
}
