using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Instances;

/// <summary>
/// Something that happened to an instance besides a step running (those are <see cref="StepExecution"/>s): started,
/// paused, resumed, cancelled, migrated, an event received, an SLA breached, a compensation recorded, a late timer
/// ignored. With the steps it makes the instance's full history: what, when, who.
/// </summary>
public sealed class InstanceHistoryEntry : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid InstanceId { get; init; }

    public DateTimeOffset At { get; init; }

    public required string Actor { get; init; }

    public required string Action { get; init; }

    public string? StepId { get; init; }

    public Guid? StepExecutionId { get; init; }

    /// <summary>Detail as JSON (a reason, the versions of a migration, an event's message id…).</summary>
    public string? Detail { get; init; }
}
