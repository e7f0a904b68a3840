using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>A rule that failed or ran out of time on a hook: its card was skipped. Read by rule authors (<c>GET /api/decision-rules/failures</c>).</summary>
public sealed class RuleEvaluationFailure : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public required string RuleKey { get; init; }

    public int RuleVersion { get; init; }

    public required string Hook { get; init; }

    public Guid HookInstance { get; init; }

    /// <summary><c>failed</c> or <c>timed-out</c>.</summary>
    public required string Kind { get; init; }

    public required string Reason { get; init; }

    public double ElapsedMilliseconds { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>A CDS Hooks feedback entry: what the user did with a card (accepted a suggestion, or overrode it and why).</summary>
public sealed class CdsFeedback : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public required string ServiceId { get; init; }

    public Guid CardUuid { get; init; }

    /// <summary><c>accepted</c> or <c>overridden</c>.</summary>
    public required string Outcome { get; init; }

    public string[] AcceptedSuggestions { get; init; } = [];

    public string? OverrideReasonCode { get; init; }

    public string? OverrideReasonSystem { get; init; }

    public string? UserComment { get; init; }

    public DateTimeOffset OutcomeAt { get; init; }

    public required string Actor { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }
}
