using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalHub.Workflow.Api.DecisionSupport;

// The CDS Hooks 2.0 wire shapes (https://cds-hooks.hl7.org/2.0/): discovery, the response with its cards, and feedback.
// Optional members are left out when empty, as the specification's examples show them.

public sealed record CdsDiscovery(IReadOnlyList<CdsServiceDescription> Services);

public sealed record CdsServiceDescription(
    string Hook,
    string Title,
    string Description,
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Prefetch,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UsageRequirements = null);

public sealed record CdsResponse(IReadOnlyList<CdsCard> Cards, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CdsAction>? SystemActions = null);

public sealed record CdsCard(
    string Uuid,
    string Summary,
    string Indicator,
    CdsSource Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CdsSuggestion>? Suggestions = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SelectionBehavior = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CdsCoding>? OverrideReasons = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CdsLink>? Links = null);

public sealed record CdsSource(
    string Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CdsCoding? Topic = null);

public sealed record CdsCoding(
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? System = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Display = null);

public sealed record CdsSuggestion(
    string Label,
    string Uuid,
    bool IsRecommended,
    IReadOnlyList<CdsAction> Actions);

public sealed record CdsAction(
    string Type,
    string Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Resource = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ResourceId = null);

public sealed record CdsLink(
    string Label,
    string Url,
    string Type);
