using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Events;

/// <summary>
/// The little Workflow keeps of a patient of Content's, refreshed from <c>patient.*</c> events: that the patient exists in
/// this organization (so an instance is never started for an unknown or another organization's patient), whether the
/// record was merged into another, and the few facts decisions read (birth date, gender) and patient notifications need
/// (an e-mail address and locale when Content shares them). Never a second registry.
/// </summary>
public sealed class KnownPatient : IOrganizationOwned
{
    public Guid OrganizationId { get; init; }

    public Guid PatientId { get; init; }

    public KnownPatientStatus Status { get; set; } = KnownPatientStatus.Active;

    /// <summary>The surviving record when this one was merged into it.</summary>
    public Guid? MergedInto { get; set; }

    public DateOnly? BirthDate { get; set; }

    public string? Gender { get; set; }

    public string? Email { get; set; }

    public string? Locale { get; set; }

    /// <summary>When the event this copy reflects happened at Content: an older event never overwrites a newer one.</summary>
    public DateTimeOffset EventAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum KnownPatientStatus
{
    Active,
    Inactive,
    Merged,
}

/// <summary>The latest value of one observation code for a patient, from <c>observation.recorded</c>: what decisions read as <c>observations.&lt;code&gt;.*</c>.</summary>
public sealed class PatientObservation : IOrganizationOwned
{
    public Guid OrganizationId { get; init; }

    public Guid PatientId { get; init; }

    public required string Code { get; init; }

    public string? System { get; set; }

    public decimal? ValueNumber { get; set; }

    public string? ValueText { get; set; }

    public string? Unit { get; set; }

    public DateTimeOffset EffectiveAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The integration event types Workflow consumes, and what each may do.</summary>
public static class IntegrationEventTypes
{
    public const string PatientCreated = "patient.created";
    public const string PatientUpdated = "patient.updated";
    public const string PatientMerged = "patient.merged";
    public const string DocumentIngested = "document.ingested";
    public const string ObservationRecorded = "observation.recorded";
    public const string ConditionRecorded = "condition.recorded";
    public const string DeliveryPrefix = "delivery.";

    /// <summary>Events an event step may wait for (delivery.* by name: delivery.sent, delivery.delivered, delivery.failed, delivery.bounced).</summary>
    public static readonly IReadOnlyList<string> Waitable =
        [DocumentIngested, ObservationRecorded, ConditionRecorded, PatientUpdated, "delivery.sent", "delivery.delivered", "delivery.failed", "delivery.bounced"];

    /// <summary>Events that may start a pathway for their patient.</summary>
    public static readonly IReadOnlyList<string> Starting = [PatientCreated, DocumentIngested, ObservationRecorded, ConditionRecorded];

    public static bool CanWaitFor(string type) => Waitable.Contains(type);

    public static bool CanStart(string type) => Starting.Contains(type);

    /// <summary>Which publisher may send which events: a service token may publish only its own service's events.</summary>
    public static bool IsPublishedBy(string type, string source) => source switch
    {
        "content" => type.StartsWith("patient.", StringComparison.Ordinal) || type.StartsWith("document.", StringComparison.Ordinal)
            || type.StartsWith("observation.", StringComparison.Ordinal) || type.StartsWith("condition.", StringComparison.Ordinal),
        "communication" => type.StartsWith(DeliveryPrefix, StringComparison.Ordinal),
        _ => false,
    };
}
