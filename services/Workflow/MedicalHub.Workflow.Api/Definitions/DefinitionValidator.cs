using System.Text.RegularExpressions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Tasks;
using MedicalHub.Workflow.Api.Timers;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>What a definition is checked against besides itself: the organization's roles, the callable services, the pathways a sub-pathway step may name.</summary>
public sealed record DefinitionRules(IReadOnlySet<string> KnownRoles, IReadOnlySet<string> CallableServices, IReadOnlySet<Guid> StartablePathways, Guid? Self = null);

/// <summary>
/// Checks a pathway definition and names the failing step in each error (keys <c>steps.&lt;id&gt;</c>, or
/// <c>steps[&lt;index&gt;]</c> for a step without a usable id; <c>start</c>, <c>trigger</c>, <c>steps</c> for the whole):
/// ids, types and their settings, durations, conditions, transitions to unknown steps, a default transition after
/// conditional ones, unknown roles, services and sub-pathways, steps that cannot be reached from the start, and cycles
/// in which no step waits (they would spin without end). Pure: the rules carry everything looked up elsewhere.
/// </summary>
public static partial class DefinitionValidator
{
    public const int MaxSteps = 200;
    public const int MaxTransitions = 20;

    public static Dictionary<string, string[]> Validate(PathwayDocument document, DefinitionRules rules)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }
            list.Add(message);
        }

        if (document.Steps.Count == 0)
        {
            Add("steps", "A pathway needs at least one step.");
        }
        if (document.Steps.Count > MaxSteps)
        {
            Add("steps", $"At most {MaxSteps} steps.");
            return Freeze(errors);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Steps.Count; i++)
        {
            var step = document.Steps[i];
            var key = step.Id is { } id && StepId().IsMatch(id) ? $"steps.{id}" : $"steps[{i}]";
            if (step.Id is null || !StepId().IsMatch(step.Id))
            {
                Add(key, "A step id is 1-27 lower-case letters, digits and dashes, starting with a letter.");
            }
            else if (!ids.Add(step.Id))
            {
                Add(key, $"Two steps have the id '{step.Id}'.");
            }
            ValidateStep(step, key, rules, Add);
        }

        if (string.IsNullOrEmpty(document.Start))
        {
            Add("start", "Name the first step.");
        }
        else if (!ids.Contains(document.Start))
        {
            Add("start", $"The start step '{document.Start}' does not exist.");
        }

        foreach (var step in document.Steps.Where(s => s.Id is not null && ids.Contains(s.Id)))
        {
            var key = $"steps.{step.Id}";
            foreach (var transition in step.Next)
            {
                if (transition.To is null || !ids.Contains(transition.To))
                {
                    Add(key, $"A transition goes to '{transition.To}', which is not a step.");
                }
                if (transition.When is not null && Conditions.Problem(transition.When) is { } problem)
                {
                    Add(key, $"The condition of the transition to '{transition.To}': {problem}");
                }
            }
            if (step.Next.Count > 0 && step.Next[^1].When is not null)
            {
                Add(key, "Its transitions all have conditions: end with one without (the default), or the instance could stop with nowhere to go.");
            }
            if (step.Next.Take(step.Next.Count - 1).Any(t => t.When is null))
            {
                Add(key, "Only the last transition may be without a condition (the ones after it could never be taken).");
            }
        }

        if (errors.Count == 0)
        {
            CheckGraph(document, Add);
        }
        ValidateTrigger(document.Trigger, Add);
        return Freeze(errors);
    }

    private static void ValidateStep(StepDefinition step, string key, DefinitionRules rules, Action<string, string> add)
    {
        if (step.Name is { Length: > 200 })
        {
            add(key, "A step name is at most 200 characters.");
        }
        if (step.Description is { Length: > 4000 })
        {
            add(key, "A step description is at most 4000 characters.");
        }
        if (step.Type is null || !StepTypes.All.Contains(step.Type))
        {
            add(key, $"The type '{step.Type}' is not one of {string.Join(", ", StepTypes.All)}.");
            return;
        }
        if (step.Next.Count > MaxTransitions)
        {
            add(key, $"At most {MaxTransitions} transitions.");
        }
        Duration(step.Sla, "sla", key, add, positive: true);
        if (step.Escalation is { } escalation)
        {
            if (step.Sla is null)
            {
                add(key, "An escalation needs an sla.");
            }
            Role(escalation.Role, key, rules, add, required: true);
        }
        if (step.Compensation is { } compensation)
        {
            if ((compensation.Notification is null) == (compensation.Call is null))
            {
                add(key, "A compensation is either a notification or a call.");
            }
            if (compensation.Notification is { } n)
            {
                Notification(n, key, add);
            }
            if (compensation.Call is { } c)
            {
                Call(c, key, rules, add);
            }
        }

        var settings = new object?[] { step.Task, step.Notification, step.Timer, step.Event, step.Call, step.SubPathway }.Count(s => s is not null);
        object? expected = step.Type switch
        {
            StepTypes.Task => step.Task,
            StepTypes.Notification => step.Notification,
            StepTypes.Timer => step.Timer,
            StepTypes.Event => step.Event,
            StepTypes.ServiceCall => step.Call,
            StepTypes.SubPathway => step.SubPathway,
            _ => null,
        };
        var needsSettings = step.Type is not (StepTypes.Decision or StepTypes.Compensate or StepTypes.End);
        if (needsSettings && expected is null)
        {
            add(key, $"A {step.Type} step needs its '{SettingsName(step.Type)}' settings.");
        }
        if (settings > (needsSettings ? 1 : 0) || (needsSettings && expected is null && settings > 0))
        {
            add(key, $"A {step.Type} step has only its own settings ('{SettingsName(step.Type)}').");
        }
        if (step.Type == StepTypes.End && step.Next.Count > 0)
        {
            add(key, "An end step has no transitions.");
        }
        if (step.Outcome is not null && (step.Type != StepTypes.End || !Slug().IsMatch(step.Outcome)))
        {
            add(key, "Only an end step names an outcome: lower-case letters, digits and dashes.");
        }

        switch (step.Type)
        {
            case StepTypes.Task when step.Task is { } task:
                if (string.IsNullOrWhiteSpace(task.Title) || task.Title.Length > 200)
                {
                    add(key, "A task needs a title of at most 200 characters.");
                }
                if ((task.Role is null) == (task.UserId is null))
                {
                    add(key, "A task is for a role or for a user (one of them).");
                }
                Role(task.Role, key, rules, add, required: false);
                if (task.Priority is not null && !TaskPriorities.All.Contains(task.Priority))
                {
                    add(key, $"The priority '{task.Priority}' is not one of {string.Join(", ", TaskPriorities.All)}.");
                }
                Duration(task.DueIn, "dueIn", key, add, positive: true);
                Duration(task.Timeout, "timeout", key, add, positive: true);
                if (task.Outcomes is { } outcomes && (outcomes.Count is 0 or > 20 || outcomes.Any(o => !Slug().IsMatch(o))))
                {
                    add(key, "Outcomes are 1 to 20 values of lower-case letters, digits and dashes.");
                }
                break;
            case StepTypes.Notification when step.Notification is { } notification:
                Notification(notification, key, add);
                break;
            case StepTypes.Timer when step.Timer is { } timer:
                if ((timer.After is null) == (timer.At is null))
                {
                    add(key, "A timer fires 'after' a duration or 'at' a date fact (one of them).");
                }
                Duration(timer.After, "after", key, add, positive: true);
                if (timer.At is not null && !Facts.IsValidPath(timer.At))
                {
                    add(key, $"'{timer.At}' is not a fact that can hold a date.");
                }
                Duration(timer.Offset, "offset", key, add, positive: false);
                if (timer.Offset is not null && timer.At is null)
                {
                    add(key, "An offset shifts an 'at' date.");
                }
                break;
            case StepTypes.Event when step.Event is { } wait:
                if (wait.Type is null || !IntegrationEventTypes.CanWaitFor(wait.Type))
                {
                    add(key, $"'{wait.Type}' is not an event a pathway can wait for: one of {string.Join(", ", IntegrationEventTypes.Waitable)}.");
                }
                Duration(wait.Timeout, "timeout", key, add, positive: true);
                Where(wait.Where, key, add);
                break;
            case StepTypes.ServiceCall when step.Call is { } call:
                Call(call, key, rules, add);
                break;
            case StepTypes.SubPathway when step.SubPathway is { } sub:
                if (sub.PathwayId is not { } pathwayId)
                {
                    add(key, "A sub-pathway step names the pathway to run (pathwayId).");
                }
                else if (pathwayId == rules.Self)
                {
                    add(key, "A pathway cannot run itself as a sub-pathway.");
                }
                else if (!rules.StartablePathways.Contains(pathwayId))
                {
                    add(key, $"The sub-pathway {pathwayId} is not a pathway of this organization with a published version.");
                }
                break;
        }
    }

    private static void Notification(NotificationSpec n, string key, Action<string, string> add)
    {
        switch (n.To?.Kind)
        {
            case "patient":
                break;
            case "user" when n.To.UserId is not null:
                break;
            case "email" when n.To.Email is { Length: > 0 and <= 320 } email && (email.Contains('@', StringComparison.Ordinal) || email.Contains("{{", StringComparison.Ordinal)):
                break;
            default:
                add(key, "A notification goes to: {kind: patient}, {kind: user, userId}, or {kind: email, email}.");
                break;
        }
        if ((n.Template is null) == (n.Body is null))
        {
            add(key, "A notification has a template or a body (one of them).");
        }
        if (n.Template is { } template && !TemplateKey().IsMatch(template))
        {
            add(key, "A template key is lower-case letters, digits, dots and dashes.");
        }
        if (n.Body is not null && string.IsNullOrWhiteSpace(n.Subject))
        {
            add(key, "A notification with a body needs a subject.");
        }
        if (n.Category is not null && !Slug().IsMatch(n.Category))
        {
            add(key, "A category is lower-case letters, digits and dashes.");
        }
        if ((n.Body?.Length ?? 0) + (n.Subject?.Length ?? 0) > 20_000)
        {
            add(key, "Subject and body are at most 20,000 characters.");
        }
    }

    private static void Call(ServiceCallSpec call, string key, DefinitionRules rules, Action<string, string> add)
    {
        if (call.Service is null || !rules.CallableServices.Contains(call.Service))
        {
            add(key, $"'{call.Service}' is not a service a pathway may call: one of {string.Join(", ", rules.CallableServices)}.");
        }
        if (call.Method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
        {
            add(key, "The method is GET, POST, PUT, PATCH or DELETE.");
        }
        if (call.Path is null || !call.Path.StartsWith("/api/", StringComparison.Ordinal) || call.Path.Contains("..", StringComparison.Ordinal) || call.Path.Length > 500
            || call.Path.Contains("://", StringComparison.Ordinal))
        {
            add(key, "The path is a path of the service's API (starting with /api/, no '..').");
        }
    }

    private static void Role(string? role, string key, DefinitionRules rules, Action<string, string> add, bool required)
    {
        if (role is null)
        {
            if (required)
            {
                add(key, "Name the role.");
            }
            return;
        }
        if (!rules.KnownRoles.Contains(role))
        {
            add(key, $"The role '{role}' is not a role of this organization (known: {string.Join(", ", rules.KnownRoles.Order(StringComparer.Ordinal))}).");
        }
    }

    private static void Duration(string? value, string name, string key, Action<string, string> add, bool positive)
    {
        if (value is null)
        {
            return;
        }
        if (!IsoDuration.TryParse(value, out var duration))
        {
            add(key, $"'{name}' is not an ISO 8601 duration of at most ten years (e.g. P3M, P14D, PT5S): '{value}'.");
        }
        else if (positive && (duration.IsNegative || duration == default))
        {
            add(key, $"'{name}' must be positive.");
        }
    }

    private static void Where(Dictionary<string, string>? where, string key, Action<string, string> add)
    {
        if (where is { Count: > 10 } || where?.Any(p => p.Key.Length is 0 or > 100 || p.Value.Length > 200) == true)
        {
            add(key, "'where' has at most 10 fields, each name up to 100 and each value up to 200 characters.");
        }
    }

    private static void ValidateTrigger(TriggerDefinition? trigger, Action<string, string> add)
    {
        if (trigger is null)
        {
            return;
        }
        if (trigger.Event is null || !IntegrationEventTypes.CanStart(trigger.Event))
        {
            add("trigger", $"'{trigger.Event}' cannot start a pathway: one of {string.Join(", ", IntegrationEventTypes.Starting)}.");
        }
        Where(trigger.Where, "trigger", add);
    }

    /// <summary>Reachability from the start, then cycles (strongly connected components) in which no step waits.</summary>
    private static void CheckGraph(PathwayDocument document, Action<string, string> add)
    {
        var edges = document.Steps.ToDictionary(s => s.Id!, s => s.Next.Select(t => t.To!).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var reached = new HashSet<string>(StringComparer.Ordinal) { document.Start! };
        var queue = new Queue<string>([document.Start!]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var next in edges[current].Where(reached.Add))
            {
                queue.Enqueue(next);
            }
        }
        foreach (var step in document.Steps.Where(s => !reached.Contains(s.Id!)))
        {
            add($"steps.{step.Id}", $"Unreachable: no path leads to it from the start step '{document.Start}'.");
        }

        var types = document.Steps.ToDictionary(s => s.Id!, s => s.Type, StringComparer.Ordinal);
        foreach (var component in StronglyConnectedComponents(edges))
        {
            var isCycle = component.Count > 1 || edges[component[0]].Contains(component[0]);
            if (isCycle && !component.Any(id => StepTypes.Waits(types[id])))
            {
                var ordered = document.Steps.Select(s => s.Id!).Where(component.Contains).ToList();
                add($"steps.{ordered[0]}", $"A cycle without a wait: {string.Join(" -> ", ordered)} -> {ordered[0]} could run forever; put a task, timer, event or sub-pathway step in it.");
            }
        }
    }

    /// <summary>Tarjan's algorithm, iterative so a long chain of steps cannot overflow the stack.</summary>
    internal static List<List<string>> StronglyConnectedComponents(Dictionary<string, List<string>> edges)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        var counter = 0;
        foreach (var root in edges.Keys)
        {
            if (index.ContainsKey(root))
            {
                continue;
            }
            var work = new Stack<(string Node, int Edge)>();
            work.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack.Add(root);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                var targets = edges[node];
                if (edge < targets.Count)
                {
                    work.Push((node, edge + 1));
                    var next = targets[edge];
                    if (!index.TryGetValue(next, out var nextIndex))
                    {
                        index[next] = low[next] = counter++;
                        stack.Push(next);
                        onStack.Add(next);
                        work.Push((next, 0));
                    }
                    else if (onStack.Contains(next))
                    {
                        low[node] = Math.Min(low[node], nextIndex);
                    }
                    continue;
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
                if (low[node] == index[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);
                    result.Add(component);
                }
            }
        }
        return result;
    }

    private static string SettingsName(string type) => type switch
    {
        StepTypes.ServiceCall => "call",
        StepTypes.SubPathway => "subPathway",
        _ => type,
    };

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    [GeneratedRegex("^[a-z][a-z0-9-]{0,26}$", RegexOptions.CultureInvariant)]
    private static partial Regex StepId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    internal static partial Regex Slug();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex TemplateKey();
}
