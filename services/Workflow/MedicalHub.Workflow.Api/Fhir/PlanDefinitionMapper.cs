using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Condition = MedicalHub.Workflow.Api.Definitions.Condition;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Tasks;
using MedicalHub.Workflow.Api.Timers;

namespace MedicalHub.Workflow.Api.Fhir;

/// <summary>
/// A pathway version as FHIR R4 <c>PlanDefinition</c> (type workflow-definition) and back. Export: one action per step
/// (code = the step type, title, description, the timer's duration as <c>timingDuration</c>, the task's role as a
/// participant), each transition as a <c>relatedAction</c> (after-end) of its target with its condition, task and
/// notification steps as contained <c>ActivityDefinition</c>s (kind Task, CommunicationRequest) referenced by
/// <c>definitionCanonical</c>, and the exact definition in the extension <see cref="DefinitionExtension"/>, so that a
/// round trip is lossless. Import: the extension when present; otherwise the standard elements, read as described in
/// docs/workflow.md (a plain sequence of actions, tasks and notifications from their ActivityDefinitions, timers from
/// timingDuration, conditions from applicability conditions in <see cref="ConditionLanguage"/>).
/// </summary>
public static partial class PlanDefinitionMapper
{
    public const string DefinitionExtension = "https://medicalhub.health/fhir/StructureDefinition/pathway-definition";
    public const string TransitionConditionExtension = "https://medicalhub.health/fhir/StructureDefinition/transition-condition";
    public const string StepTypeSystem = "https://medicalhub.health/fhir/CodeSystem/pathway-step-type";
    public const string RoleSystem = "https://medicalhub.health/fhir/CodeSystem/organization-role";
    public const string ConditionLanguage = "application/x-medicalhub-condition+json";
    private const string PlanDefinitionTypeSystem = "http://terminology.hl7.org/CodeSystem/plan-definition-type";
    private const string Ucum = "http://unitsofmeasure.org";

    /// <summary>The pathway's canonical URL (stable across versions; the version goes after a <c>|</c>).</summary>
    public static string CanonicalUrl(Guid pathwayId) => $"https://medicalhub.health/fhir/PlanDefinition/{pathwayId}";

    public static string ActivityDefinitionId(Guid pathwayId, string stepId) => $"{pathwayId}.{stepId}";

    public static PlanDefinition ToFhir(CarePathway pathway, PathwayVersion version, PathwayDocument document)
    {
        var plan = new PlanDefinition
        {
            Id = pathway.Id.ToString(),
            Meta = new Meta { VersionId = version.Number.ToString(CultureInfo.InvariantCulture), LastUpdated = version.PublishedAt ?? version.CreatedAt },
            Url = CanonicalUrl(pathway.Id),
            Version = version.Number.ToString(CultureInfo.InvariantCulture),
            Name = MachineName(pathway.Name),
            Title = pathway.Name,
            Status = StatusOf(pathway, version),
            Type = new CodeableConcept(PlanDefinitionTypeSystem, "workflow-definition", "Workflow Definition"),
            Date = (version.PublishedAt ?? version.CreatedAt).ToString("O", CultureInfo.InvariantCulture),
        };
        plan.Extension.Add(new Extension(DefinitionExtension, new FhirString(document.ToJson())));
        foreach (var activity in ActivityDefinitionsOf(pathway, version, document, contained: true))
        {
            plan.Contained.Add(activity);
        }

        foreach (var step in document.Steps)
        {
            var action = new PlanDefinition.ActionComponent
            {
                ElementId = step.Id,
                Title = step.Name ?? step.Id,
                Description = step.Description,
                Code = [new CodeableConcept(StepTypeSystem, step.Type)],
            };
            if (step.Type is StepTypes.Task or StepTypes.Notification)
            {
                action.Definition = new Canonical($"#{step.Id}");
            }
            if (step.Timer?.After is { } after && ToFhirDuration(after) is { } duration)
            {
                action.Timing = duration;
            }
            if (step.Task?.Role is { } role)
            {
                action.Participant.Add(new PlanDefinition.ParticipantComponent
                {
                    Type = ActionParticipantType.Practitioner,
                    Role = new CodeableConcept(RoleSystem, role, role),
                });
            }
            plan.Action.Add(action);
        }
        // Transitions: each target action is related to its source (after-end, by the action's element id, as R4 relates
        // actions), with the condition when there is one.
        foreach (var step in document.Steps)
        {
            foreach (var transition in step.Next)
            {
                var target = plan.Action.FirstOrDefault(a => a.ElementId == transition.To);
                if (target is null)
                {
                    continue;
                }
                var related = new PlanDefinition.RelatedActionComponent { ActionId = step.Id, Relationship = ActionRelationshipType.AfterEnd };
                if (transition.When is { } when)
                {
                    related.Extension.Add(new Extension(TransitionConditionExtension, new FhirString(JsonSerializer.Serialize(when, PathwayDocument.Json))));
                }
                target.RelatedAction.Add(related);
            }
        }
        return plan;
    }

    /// <summary>The ActivityDefinitions of a version's task and notification steps (ids are the step ids when contained, else <see cref="ActivityDefinitionId"/>).</summary>
    public static IEnumerable<ActivityDefinition> ActivityDefinitionsOf(CarePathway pathway, PathwayVersion version, PathwayDocument document, bool contained)
    {
        foreach (var step in document.Steps.Where(s => s.Type is StepTypes.Task or StepTypes.Notification))
        {
            var activity = new ActivityDefinition
            {
                Id = contained ? step.Id : ActivityDefinitionId(pathway.Id, step.Id!),
                Url = $"https://medicalhub.health/fhir/ActivityDefinition/{ActivityDefinitionId(pathway.Id, step.Id!)}",
                Version = version.Number.ToString(CultureInfo.InvariantCulture),
                Name = MachineName(step.Name ?? step.Id!),
                Title = step.Task?.Title ?? step.Notification?.Subject ?? step.Name ?? step.Id,
                Description = step.Task?.Description ?? step.Notification?.Body ?? step.Description,
                Status = StatusOf(pathway, version),
                Kind = step.Type == StepTypes.Task ? ActivityDefinition.RequestResourceType.Task : ActivityDefinition.RequestResourceType.CommunicationRequest,
                Intent = RequestIntent.Proposal,
            };
            if (!contained)
            {
                activity.Meta = new Meta { VersionId = version.Number.ToString(CultureInfo.InvariantCulture), LastUpdated = version.PublishedAt ?? version.CreatedAt };
            }
            if (step.Task is { } task)
            {
                activity.Priority = PriorityOf(task.Priority);
                if (task.Role is { } role)
                {
                    activity.Participant.Add(new ActivityDefinition.ParticipantComponent
                    {
                        Type = ActionParticipantType.Practitioner,
                        Role = new CodeableConcept(RoleSystem, role, role),
                    });
                }
                if (task.DueIn is { } due && ToFhirDuration(due) is { } duration)
                {
                    activity.Timing = duration;
                }
            }
            yield return activity;
        }
    }

    /// <summary>A pathway read from a PlanDefinition, or the issues that stop it (each with the FHIR path at fault).</summary>
    public sealed record Imported(string Name, bool Publish, PathwayDocument? Document, List<(string Expression, string Message)> Issues)
    {
        /// <summary>Where each step came from (for naming a failing step in FHIR terms).</summary>
        public Dictionary<string, string> StepPaths { get; init; } = [];
    }

    public static Imported FromFhir(PlanDefinition plan)
    {
        var issues = new List<(string, string)>();
        var name = (plan.Title ?? plan.Name)?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > CarePathwaysApi.MaxNameLength || name.Any(char.IsControl))
        {
            issues.Add(("PlanDefinition.title", $"A title (or name) of 1 to {CarePathwaysApi.MaxNameLength} characters is required."));
        }
        var publish = plan.Status switch
        {
            PublicationStatus.Active => true,
            PublicationStatus.Draft or null => false,
            _ => Problem(issues, "PlanDefinition.status", "Only a draft or an active PlanDefinition can be created."),
        };

        if (plan.GetExtensionValue<FhirString>(DefinitionExtension)?.Value is { } exact)
        {
            var document = PathwayDocument.TryParse(exact, out var error);
            if (document is null)
            {
                issues.Add(($"PlanDefinition.extension('{DefinitionExtension}')", error!));
            }
            var paths = document?.Steps.Select((s, i) => (s.Id, i)).Where(p => p.Id is not null).DistinctBy(p => p.Id)
                .ToDictionary(p => p.Id!, p => $"PlanDefinition.action[{p.i}]") ?? [];
            return new Imported(name ?? "", publish, document, issues) { StepPaths = paths };
        }
        return FromStandardElements(plan, name ?? "", publish, issues);
    }

    private static Imported FromStandardElements(PlanDefinition plan, string name, bool publish, List<(string, string)> issues)
    {
        var flat = new List<(PlanDefinition.ActionComponent Action, string Path)>();
        void Flatten(IEnumerable<PlanDefinition.ActionComponent> actions, string prefix)
        {
            var i = 0;
            foreach (var action in actions)
            {
                var path = $"{prefix}.action[{i++}]";
                if (action.Action.Count > 0)
                {
                    Flatten(action.Action, path);
                }
                else
                {
                    flat.Add((action, path));
                }
            }
        }
        Flatten(plan.Action, "PlanDefinition");
        if (flat.Count == 0)
        {
            issues.Add(("PlanDefinition.action", "A PlanDefinition needs at least one action."));
            return new Imported(name, publish, null, issues);
        }

        var steps = new List<StepDefinition>();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var idsByAction = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < flat.Count; i++)
        {
            var (action, path) = flat[i];
            var id = UniqueStepId(action.ElementId ?? action.Title, i, paths);
            paths[id] = path;
            if (action.ElementId is { } elementId)
            {
                idsByAction[elementId] = id;
            }
            var step = StepOf(plan, action, path, id, issues);
            if (step is not null)
            {
                steps.Add(step);
            }
        }

        // Transitions: relatedAction (after-end) when any action has one, else the order of the actions.
        var withRelations = flat.Any(f => f.Action.RelatedAction.Count > 0);
        var next = steps.ToDictionary(s => s.Id!, _ => new List<TransitionDefinition>(), StringComparer.Ordinal);
        if (withRelations)
        {
            for (var i = 0; i < flat.Count && i < steps.Count; i++)
            {
                foreach (var related in flat[i].Action.RelatedAction)
                {
                    var source = related.ActionId is { } a ? idsByAction.GetValueOrDefault(a) ?? (next.ContainsKey(a) ? a : null) : null;
                    if (source is null || related.Relationship is not (ActionRelationshipType.AfterEnd or ActionRelationshipType.After))
                    {
                        issues.Add(($"{flat[i].Path}.relatedAction", $"Only 'after-end' relations to another action of this PlanDefinition are understood (got '{related.ActionId}', {related.Relationship})."));
                        continue;
                    }
                    next[source].Add(new TransitionDefinition { To = steps[i].Id, When = ConditionOf(flat[i].Action, related, flat[i].Path, issues) });
                }
            }
        }
        else
        {
            for (var i = 0; i + 1 < steps.Count; i++)
            {
                next[steps[i].Id!].Add(new TransitionDefinition { To = steps[i + 1].Id, When = ConditionOf(flat[i + 1].Action, null, flat[i + 1].Path, issues) });
                if (next[steps[i].Id!][^1].When is not null && i + 2 < steps.Count)
                {
                    // An applicability condition that fails skips the action: go on to the one after it.
                    next[steps[i].Id!].Add(new TransitionDefinition { To = steps[i + 2].Id });
                }
            }
        }
        // Conditional transitions first, the default last.
        var document = new PathwayDocument
        {
            Start = steps.FirstOrDefault(s => !next.Values.Any(n => n.Any(t => t.To == s.Id)))?.Id ?? steps.FirstOrDefault()?.Id,
            Steps = [.. steps.Select(s => s with { Next = [.. next[s.Id!].OrderBy(t => t.When is null)] })],
        };
        return new Imported(name, publish, document, issues) { StepPaths = paths };
    }

    private static StepDefinition? StepOf(PlanDefinition plan, PlanDefinition.ActionComponent action, string path, string id, List<(string, string)> issues)
    {
        var declaredType = action.Code.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == StepTypeSystem)?.Code;
        var activity = action.Definition is Canonical { Value: { } canonical } && canonical.StartsWith('#')
            ? plan.Contained.OfType<ActivityDefinition>().FirstOrDefault(a => a.Id == canonical[1..])
            : null;
        if (action.Definition is Canonical { Value: { } reference } && activity is null)
        {
            issues.Add(($"{path}.definitionCanonical", $"'{reference}' is not a contained ActivityDefinition ('#id'); only contained definitions are read."));
            return null;
        }
        var type = declaredType ?? activity?.Kind switch
        {
            ActivityDefinition.RequestResourceType.Task => StepTypes.Task,
            ActivityDefinition.RequestResourceType.CommunicationRequest => StepTypes.Notification,
            _ => action.Timing is Duration ? StepTypes.Timer : null,
        };
        var title = action.Title ?? activity?.Title;
        switch (type)
        {
            case StepTypes.Task:
                var role = (activity?.Participant.Select(p => p.Role).FirstOrDefault() ?? action.Participant.Select(p => p.Role).FirstOrDefault()) is { } concept
                    ? concept.Coding.FirstOrDefault()?.Code ?? concept.Text : null;
                return new StepDefinition
                {
                    Id = id, Name = action.Title, Description = action.Description, Type = type,
                    Task = new TaskSpec
                    {
                        Title = activity?.Title ?? title ?? id, Description = activity?.Description ?? action.Description, Role = role,
                        Priority = PriorityName(activity?.Priority ?? action.Priority),
                        DueIn = (activity?.Timing ?? action.Timing) is Duration due ? FromFhirDuration(due, $"{path}.timingDuration", issues) : null,
                    },
                };
            case StepTypes.Notification:
                return new StepDefinition
                {
                    Id = id, Name = action.Title, Description = action.Description, Type = type,
                    Notification = new NotificationSpec
                    {
                        To = new RecipientSpec { Kind = "patient" }, Subject = activity?.Title ?? title ?? id, Body = activity?.Description ?? action.Description ?? title ?? id,
                    },
                };
            case StepTypes.Timer when action.Timing is Duration duration:
                return new StepDefinition
                {
                    Id = id, Name = action.Title, Description = action.Description, Type = type,
                    Timer = new TimerSpec { After = FromFhirDuration(duration, $"{path}.timingDuration", issues) },
                };
            case StepTypes.Decision or StepTypes.End:
                return new StepDefinition { Id = id, Name = action.Title, Description = action.Description, Type = type };
            default:
                issues.Add((path, $"Action '{title ?? id}': cannot tell what kind of step it is. Give it a definitionCanonical to a contained ActivityDefinition of kind Task or " +
                    $"CommunicationRequest, a timingDuration (a wait), or a code of {StepTypeSystem} (task, notification, timer, decision, end; other kinds need the {DefinitionExtension} extension)."));
                return null;
        }
    }

    private static Condition? ConditionOf(PlanDefinition.ActionComponent target, PlanDefinition.RelatedActionComponent? related, string path, List<(string, string)> issues)
    {
        var json = related?.GetExtensionValue<FhirString>(TransitionConditionExtension)?.Value
            ?? target.Condition.FirstOrDefault(c => c.Kind == ActionConditionKind.Applicability && c.Expression?.Language == ConditionLanguage)?.Expression?.Expression_;
        if (target.Condition.Any(c => c.Expression?.Language is { } language && language != ConditionLanguage))
        {
            issues.Add(($"{path}.condition", $"Only conditions in {ConditionLanguage} are understood (FHIRPath and CQL are not evaluated here)."));
        }
        if (json is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Condition>(json, PathwayDocument.Json);
        }
        catch (JsonException ex)
        {
            issues.Add(($"{path}.condition", $"Not a condition: {ex.Message}"));
            return null;
        }
    }

    public static Duration? ToFhirDuration(string iso)
    {
        if (!IsoDuration.TryParse(iso, out var d) || d.IsNegative)
        {
            return null;
        }
        (decimal Value, string Code)? pick = (d.Months, d.Fixed) switch
        {
            (var m, var f) when m > 0 && f == TimeSpan.Zero => m % 12 == 0 ? (m / 12, "a") : (m, "mo"),
            (0, var f) when f.Ticks % TimeSpan.TicksPerDay == 0 && f.Days % 7 == 0 => (f.Days / 7, "wk"),
            (0, var f) when f.Ticks % TimeSpan.TicksPerDay == 0 => (f.Days, "d"),
            (0, var f) when f.Ticks % TimeSpan.TicksPerHour == 0 => ((decimal)f.TotalHours, "h"),
            (0, var f) when f.Ticks % TimeSpan.TicksPerMinute == 0 => ((decimal)f.TotalMinutes, "min"),
            (0, var f) when f.Ticks % TimeSpan.TicksPerSecond == 0 => ((decimal)f.TotalSeconds, "s"),
            _ => null,
        };
        return pick is { } p ? new Duration { Value = p.Value, Unit = p.Code, System = Ucum, Code = p.Code } : null;
    }

    public static string? FromFhirDuration(Duration duration, string path, List<(string, string)> issues)
    {
        if (duration.Value is not { } value || value <= 0 || value != decimal.Truncate(value) || value > 100_000)
        {
            issues.Add((path, "A duration needs a positive whole value."));
            return null;
        }
        var n = ((long)value).ToString(CultureInfo.InvariantCulture);
        var iso = (duration.Code ?? duration.Unit) switch
        {
            "a" or "year" or "years" => $"P{n}Y",
            "mo" or "month" or "months" => $"P{n}M",
            "wk" or "week" or "weeks" => $"P{n}W",
            "d" or "day" or "days" => $"P{n}D",
            "h" or "hour" or "hours" => $"PT{n}H",
            "min" or "minute" or "minutes" => $"PT{n}M",
            "s" or "second" or "seconds" => $"PT{n}S",
            _ => null,
        };
        if (iso is null)
        {
            issues.Add((path, $"The unit '{duration.Code ?? duration.Unit}' is not a UCUM time unit (a, mo, wk, d, h, min, s)."));
        }
        return iso;
    }

    public static RequestPriority? PriorityOf(string? priority) => priority switch
    {
        TaskPriorities.Urgent => RequestPriority.Urgent,
        TaskPriorities.Asap => RequestPriority.Asap,
        TaskPriorities.Stat => RequestPriority.Stat,
        _ => RequestPriority.Routine,
    };

    public static string? PriorityName(RequestPriority? priority) => priority switch
    {
        RequestPriority.Urgent => TaskPriorities.Urgent,
        RequestPriority.Asap => TaskPriorities.Asap,
        RequestPriority.Stat => TaskPriorities.Stat,
        RequestPriority.Routine => TaskPriorities.Routine,
        _ => null,
    };

    private static PublicationStatus StatusOf(CarePathway pathway, PathwayVersion version) =>
        version.Status == PathwayVersionStatus.Draft ? PublicationStatus.Draft
        : pathway.Status == CarePathwayStatus.Retired || version.Id != pathway.CurrentVersionId ? PublicationStatus.Retired
        : PublicationStatus.Active;

    /// <summary>A computer-friendly name as FHIR wants it (<c>[A-Z]([A-Za-z0-9_]){0,254}</c>): the words capitalised and joined.</summary>
    public static string MachineName(string name)
    {
        var words = NonWord().Split(name).Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]);
        var joined = string.Concat(words);
        joined = joined.Length == 0 || !char.IsAsciiLetter(joined[0]) ? "Pathway" + joined : joined;
        return joined.Length <= 255 ? joined : joined[..255];
    }

    private static string UniqueStepId(string? wanted, int index, Dictionary<string, string> taken)
    {
        var id = NonStepChars().Replace((wanted ?? "").ToLowerInvariant(), "-").Trim('-');
        if (id.Length == 0 || !char.IsAsciiLetterLower(id[0]))
        {
            id = $"step-{index + 1}";
        }
        id = id.Length <= 27 ? id : id[..27].TrimEnd('-');
        var unique = id;
        for (var n = 2; taken.ContainsKey(unique); n++)
        {
            var suffix = $"-{n}";
            unique = (id.Length + suffix.Length <= 27 ? id : id[..(27 - suffix.Length)]) + suffix;
        }
        return unique;
    }

    private static bool Problem(List<(string, string)> issues, string path, string message)
    {
        issues.Add((path, message));
        return false;
    }

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonWord();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NonStepChars();
}
