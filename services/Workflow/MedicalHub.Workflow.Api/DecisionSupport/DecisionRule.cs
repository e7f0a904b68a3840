using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>
/// One version of an organization's decision rule: when it applies (a FHIRPath expression over the patient's data), when it
/// fires (another), and the CDS Hooks card it shows then. Versions are immutable once written; at most one version of a key
/// is active (activating one retires the one before), and only active versions answer hooks.
/// </summary>
public sealed class DecisionRule : IOrganizationOwned
{
    public Guid Id { get; init; }

    public Guid OrganizationId { get; init; }

    /// <summary>A stable slug (<c>hba1c-overdue</c>) naming the rule across its versions.</summary>
    public required string Key { get; init; }

    public int Version { get; init; }

    public required string Title { get; init; }

    /// <summary>The hooks it answers: <c>patient-view</c>, <c>order-select</c>.</summary>
    public string[] Hooks { get; init; } = [];

    public required string Applicability { get; init; }

    public required string Condition { get; init; }

    public required CardTemplate Card { get; init; }

    public DecisionRuleStatus Status { get; set; }

    /// <summary>The starter library's rule this version came from (null for an organization's own).</summary>
    public bool FromStarterLibrary { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset? ActivatedAt { get; set; }

    public RuleDefinition Definition => new(Key, Title, Hooks, Applicability, Condition, Card);
}

public enum DecisionRuleStatus
{
    Draft,
    Active,
    Retired,
}

/// <summary>What a rule says, independent of where it is stored (the starter library, a row, a test request).</summary>
public sealed record RuleDefinition(string Key, string Title, string[] Hooks, string Applicability, string Condition, CardTemplate Card);

/// <summary>
/// The card a rule shows. <see cref="Summary"/> and <see cref="Detail"/> may hold <c>{{FHIRPath}}</c> placeholders, evaluated
/// over the same data as the rule (<c>{{%patient.name.given.first()}}</c>).
/// </summary>
public sealed record CardTemplate(
    string Summary,
    string Indicator,
    string? Detail = null,
    string? SourceLabel = null,
    string? SourceUrl = null,
    SuggestionTemplate[]? Suggestions = null,
    LinkTemplate[]? Links = null,
    OverrideReasonTemplate[]? OverrideReasons = null);

/// <summary>
/// A suggestion with one action. <see cref="ResourceJson"/> is the FHIR resource to create or update, where
/// <c>{{patientId}}</c> stands for the patient; for a delete, <see cref="ResourceIdExpression"/> (FHIRPath) yields the
/// <c>Type/id</c> references to delete (e.g. the selected draft orders).
/// </summary>
public sealed record SuggestionTemplate(string Label, string ActionType, string? Description = null, string? ResourceJson = null,
    string? ResourceIdExpression = null, bool IsRecommended = false);

public sealed record LinkTemplate(string Label, string Url, string Type = "absolute");

public sealed record OverrideReasonTemplate(string Code, string Display, string System = CdsCodes.OverrideReasonSystem);

public static class CdsCodes
{
    public const string OverrideReasonSystem = "https://medicalhub.example/fhir/CodeSystem/cds-override-reason";
    public const string PatientView = "patient-view";
    public const string OrderSelect = "order-select";
    public static readonly string[] Hooks = [PatientView, OrderSelect];
    public static readonly string[] Indicators = ["info", "warning", "critical"];
    public static readonly string[] ActionTypes = ["create", "update", "delete"];
}
