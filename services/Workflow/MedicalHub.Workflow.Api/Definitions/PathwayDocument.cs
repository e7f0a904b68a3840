using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>
/// A pathway version's definition, as the web editor and the API exchange it (JSON, camelCase): the steps, where to
/// start, and optionally an integration event that starts an instance by itself. Steps run one at a time; after a step,
/// the first of its transitions whose condition holds (or that has none) names the next step; a step without
/// transitions ends the instance. Stored as written (jsonb) and immutable once published.
/// </summary>
public sealed record PathwayDocument
{
    public string? Start { get; init; }

    public List<StepDefinition> Steps { get; init; } = [];

    /// <summary>Starts an instance for the event's patient when such an event arrives (e.g. a referral document).</summary>
    public TriggerDefinition? Trigger { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 32,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The document in <paramref name="json"/>, or the reason it is not one (a JSON error names the path).</summary>
    public static PathwayDocument? TryParse(string json, out string? error)
    {
        try
        {
            error = null;
            var document = JsonSerializer.Deserialize<PathwayDocument>(json, Json);
            if (document is null)
            {
                error = "The definition is empty.";
            }
            return document;
        }
        catch (JsonException ex)
        {
            error = $"Not a pathway definition: {ex.Message}";
            return null;
        }
    }

    public StepDefinition? Find(string? stepId) => Steps.FirstOrDefault(s => s.Id == stepId);
}

public sealed record TriggerDefinition
{
    /// <summary>The integration event type, e.g. <c>document.ingested</c>.</summary>
    public string? Event { get; init; }

    /// <summary>Fields of the event's data that must have these values (e.g. <c>{"category": "referral"}</c>).</summary>
    public Dictionary<string, string>? Where { get; init; }
}

/// <summary>The kinds of step.</summary>
public static class StepTypes
{
    public const string Task = "task";
    public const string Notification = "notification";
    public const string Timer = "timer";
    public const string Event = "event";
    public const string Decision = "decision";
    public const string ServiceCall = "service-call";
    public const string SubPathway = "sub-pathway";
    public const string Compensate = "compensate";
    public const string End = "end";

    public static readonly IReadOnlyList<string> All = [Task, Notification, Timer, Event, Decision, ServiceCall, SubPathway, Compensate, End];

    /// <summary>Steps that wait for a person, a clock, an event or another instance: a cycle through one of them cannot spin.</summary>
    public static bool Waits(string? type) => type is Task or Timer or Event or SubPathway;
}

public sealed record StepDefinition
{
    /// <summary>Unique within the definition: lower-case letters, digits and dashes, starting with a letter, at most 27 characters.</summary>
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Type { get; init; }

    public string? Description { get; init; }

    public TaskSpec? Task { get; init; }

    public NotificationSpec? Notification { get; init; }

    public TimerSpec? Timer { get; init; }

    public EventWaitSpec? Event { get; init; }

    public ServiceCallSpec? Call { get; init; }

    public SubPathwaySpec? SubPathway { get; init; }

    /// <summary>For an <c>end</c> step: the instance's outcome (default <c>completed</c>).</summary>
    public string? Outcome { get; init; }

    /// <summary>How long the step may stay open before it breaches its service level (ISO 8601 duration, e.g. <c>P7D</c>).</summary>
    public string? Sla { get; init; }

    /// <summary>When the SLA is breached: a task for this role (e.g. "escalate to the doctor").</summary>
    public EscalationSpec? Escalation { get; init; }

    /// <summary>What undoes this step when the pathway is compensated (a <c>compensate</c> step, or a cancel with compensation).</summary>
    public CompensationSpec? Compensation { get; init; }

    public List<TransitionDefinition> Next { get; init; } = [];
}

public sealed record TaskSpec
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary>The role whose members may claim it (a built-in or custom role name of the organization).</summary>
    public string? Role { get; init; }

    /// <summary>Or one member (a user id).</summary>
    public Guid? UserId { get; init; }

    /// <summary>FHIR's: routine (default), urgent, asap, stat.</summary>
    public string? Priority { get; init; }

    /// <summary>Due this long after the task is created (ISO 8601 duration).</summary>
    public string? DueIn { get; init; }

    /// <summary>The task is withdrawn after this long and the step ends with outcome <c>timeout</c>.</summary>
    public string? Timeout { get; init; }

    /// <summary>The outcomes the person completing it may choose (default: any).</summary>
    public List<string>? Outcomes { get; init; }
}

public sealed record NotificationSpec
{
    public RecipientSpec? To { get; init; }

    /// <summary>Communication's category (default <c>care-pathway</c>): preferences and quiet hours apply per category.</summary>
    public string? Category { get; init; }

    public string? Template { get; init; }

    public string? Subject { get; init; }

    public string? Body { get; init; }

    /// <summary>Template data; string values may use <c>{{fact}}</c> placeholders.</summary>
    public JsonObject? Data { get; init; }
}

public sealed record RecipientSpec
{
    /// <summary><c>patient</c> (the instance's patient, from the known-patient copy), <c>user</c> (a member), or <c>email</c> (an address outside the practice).</summary>
    public string? Kind { get; init; }

    public Guid? UserId { get; init; }

    /// <summary>An address, or a <c>{{fact}}</c> placeholder such as <c>{{vars.receiverEmail}}</c>.</summary>
    public string? Email { get; init; }
}

public sealed record TimerSpec
{
    /// <summary>Fires this long after the step starts (ISO 8601 duration, e.g. <c>P3M</c>).</summary>
    public string? After { get; init; }

    /// <summary>Or at the date a fact holds (e.g. <c>vars.surgeryDate</c>, <c>observations.4548-4.effectiveAt</c>)…</summary>
    public string? At { get; init; }

    /// <summary>…shifted by this duration (e.g. <c>-P14D</c>: two weeks before).</summary>
    public string? Offset { get; init; }
}

public sealed record EventWaitSpec
{
    /// <summary>An integration event type for the instance's patient, e.g. <c>observation.recorded</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Fields of the event's data that must have these values, e.g. <c>{"code": "4548-4"}</c>.</summary>
    public Dictionary<string, string>? Where { get; init; }

    /// <summary>Stop waiting after this long: the step ends with outcome <c>timeout</c>.</summary>
    public string? Timeout { get; init; }
}

public sealed record ServiceCallSpec
{
    /// <summary>A platform service by its discovery name (<c>content</c>, <c>communication</c>).</summary>
    public string? Service { get; init; }

    public string? Method { get; init; }

    /// <summary>The path, with <c>{{fact}}</c> placeholders (e.g. <c>/api/internal/shares/{{steps.share.result.id}}/revoke</c>).</summary>
    public string? Path { get; init; }

    /// <summary>The JSON body; string values may use <c>{{fact}}</c> placeholders.</summary>
    public JsonNode? Body { get; init; }
}

public sealed record SubPathwaySpec
{
    /// <summary>The care pathway to run for the same patient (its current published version); the step ends with the child's outcome.</summary>
    public Guid? PathwayId { get; init; }
}

public sealed record CompensationSpec
{
    public NotificationSpec? Notification { get; init; }

    public ServiceCallSpec? Call { get; init; }
}

public sealed record EscalationSpec
{
    public string? Role { get; init; }

    public string? Title { get; init; }
}

public sealed record TransitionDefinition
{
    public string? To { get; init; }

    /// <summary>Taken only when this holds; a transition without a condition is the default (put it last).</summary>
    public Condition? When { get; init; }
}

/// <summary>
/// A condition over the instance's facts: exactly one of <see cref="All"/>, <see cref="Any"/>, <see cref="Not"/>, or a
/// comparison <see cref="Fact"/> <see cref="Op"/> <see cref="Value"/>. Facts are dotted paths:
/// <c>outcome</c>, <c>vars.*</c>, <c>patient.age|gender|birthDate</c>, <c>observations.&lt;code&gt;.value|unit|effectiveAt|ageDays</c>,
/// <c>event.*</c> (the data of the event the instance last received), <c>steps.&lt;id&gt;.outcome|result.*</c>.
/// </summary>
public sealed record Condition
{
    public List<Condition>? All { get; init; }

    public List<Condition>? Any { get; init; }

    public Condition? Not { get; init; }

    public string? Fact { get; init; }

    /// <summary>eq, ne, gt, ge, lt, le, in, contains, exists, missing.</summary>
    public string? Op { get; init; }

    public JsonElement? Value { get; init; }
}
