using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.DecisionSupport;

public enum RuleResultKind
{
    NotApplicable,
    NotFired,
    Fired,
    Failed,
    TimedOut,
}

/// <summary>What one rule made of one patient: its card when it fired, what went wrong when it failed or ran out of time.</summary>
public sealed record RuleResult(string Key, int Version, RuleResultKind Kind, CdsCard? Card, string? Failure, double ElapsedMilliseconds);

public sealed class DecisionSupportOptions
{
    public const string SectionName = "DecisionSupport";

    /// <summary>How long one rule may take over one patient; past it the card is skipped and the failure recorded.</summary>
    public TimeSpan RuleTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>FHIR bases (besides the platform's own, <c>{issuer}fhir</c>) a hook request's <c>fhirServer</c> may name.</summary>
    public string[] FhirServers { get; set; } = [];
}

/// <summary>
/// Decides rules over a patient's data with Firely's FHIRPath engine. The patient is the focus, the data the environment
/// variables (<see cref="PatientData"/>). Each rule runs time-boxed on the thread pool: a rule that throws, or takes longer
/// than <see cref="DecisionSupportOptions.RuleTimeout"/>, yields no card and a failure, never a failed request.
/// </summary>
public sealed partial class RuleEvaluator(IOptions<DecisionSupportOptions> options)
{
    private static readonly FhirPathCompiler Compiler = new();
    private static readonly ConcurrentDictionary<string, CompiledExpression> Compiled = new(StringComparer.Ordinal);

    /// <summary>The compile error of an expression, null when it compiles.</summary>
    public static string? CompileError(string expression)
    {
        try
        {
            Compile(expression);
            return null;
        }
        catch (Exception ex)
        {
            return ex.Message;
        }
    }

    public async Task<IReadOnlyList<RuleResult>> EvaluateAsync(IEnumerable<(RuleDefinition Rule, int Version)> rules, PatientData data, string hook, CancellationToken ct)
    {
        var context = Context(data);
        var timeout = options.Value.RuleTimeout;
        var work = rules.Where(r => r.Rule.Hooks.Contains(hook, StringComparer.Ordinal))
            .Select(r => EvaluateOneAsync(r.Rule, r.Version, data, context, timeout, ct));
        return await System.Threading.Tasks.Task.WhenAll(work);
    }

    public static async Task<RuleResult> EvaluateOneAsync(RuleDefinition rule, int version, PatientData data, Func<EvaluationContext> context, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        // Decided on a pool thread, so the wait can give up on it: FHIRPath offers no cancellation, a runaway evaluation is
        // abandoned (its result dropped) and the request goes on. The time box starts when the rule starts running: time
        // spent queued behind other work on a busy pool is not the rule's.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var evaluation = System.Threading.Tasks.Task.Run(() =>
        {
            started.TrySetResult();
            return Decide(rule, data, context());
        }, CancellationToken.None);
        try
        {
            await started.Task.WaitAsync(ct);
            var card = await evaluation.WaitAsync(timeout, ct);
            return new RuleResult(rule.Key, version, card.Kind, card.Card, null, clock.Elapsed.TotalMilliseconds);
        }
        catch (TimeoutException)
        {
            return new RuleResult(rule.Key, version, RuleResultKind.TimedOut, null, $"The rule took longer than {timeout.TotalMilliseconds:0} ms and was stopped waiting for.",
                clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new RuleResult(rule.Key, version, RuleResultKind.Failed, null, $"{ex.GetType().Name}: {ex.Message}", clock.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>A fresh evaluation context per rule (contexts are not shared across threads).</summary>
    public static Func<EvaluationContext> Context(PatientData data)
    {
        var patient = data.Patient.ToPocoNode();
        var variables = new Dictionary<string, IEnumerable<PocoNode>>(StringComparer.Ordinal)
        {
            ["patient"] = [patient],
            ["observations"] = Nodes(data.Observations),
            ["conditions"] = Nodes(data.Conditions),
            ["medications"] = Nodes(data.Medications),
            ["allergies"] = Nodes(data.Allergies),
            ["immunizations"] = Nodes(data.Immunizations),
            ["tasks"] = Nodes(data.Tasks),
            ["draftOrders"] = Nodes(data.DraftOrders),
            ["selections"] = Nodes(data.Selections),
        };
        return () =>
        {
            var context = new FhirEvaluationContext();
            foreach (var (name, nodes) in variables)
            {
                context.Environment[name] = nodes;
            }
            return context;
        };
    }

    private static PocoNode[] Nodes<T>(IEnumerable<T> resources) where T : Resource => [.. resources.Select(r => r.ToPocoNode())];

    private static (RuleResultKind Kind, CdsCard? Card) Decide(RuleDefinition rule, PatientData data, EvaluationContext context)
    {
        var focus = data.Patient.ToPocoNode();
        if (!IsTrue(rule.Applicability, focus, context))
        {
            return (RuleResultKind.NotApplicable, null);
        }
        if (!IsTrue(rule.Condition, focus, context))
        {
            return (RuleResultKind.NotFired, null);
        }
        return (RuleResultKind.Fired, Render(rule, data, focus, context));
    }

    private static bool IsTrue(string expression, PocoNode focus, EvaluationContext context)
    {
        var result = Compile(expression)(focus, context).ToList();
        return result switch
        {
            [] => false,
            [var single] when single.Poco is FhirBoolean b => b.Value == true,
            [var single] when single.Poco is PrimitiveType { JsonValue: bool b } => b,
            _ => throw new InvalidOperationException($"The expression must give one boolean (or nothing), it gave {result.Count} value(s)."),
        };
    }

    private static CompiledExpression Compile(string expression) => Compiled.GetOrAdd(expression, e => Compiler.Compile(e));

    private static CdsCard Render(RuleDefinition rule, PatientData data, PocoNode focus, EvaluationContext context)
    {
        var card = rule.Card;
        var summary = Fill(card.Summary, focus, context);
        if (summary.Length > 140)
        {
            summary = summary[..139] + "…";
        }
        var patientId = data.Patient.Id ?? "";
        var suggestions = card.Suggestions?.Select(s => new CdsSuggestion(s.Label, Guid.NewGuid().ToString(), s.IsRecommended, Actions(s, patientId, focus, context)))
            .Where(s => s.Actions.Count > 0).ToList();
        return new CdsCard(
            Guid.NewGuid().ToString(),
            summary,
            card.Indicator,
            new CdsSource(card.SourceLabel ?? "MedicalHub decision support", card.SourceUrl, new CdsCoding(rule.Key, "https://medicalhub.example/fhir/CodeSystem/decision-rule", rule.Title)),
            card.Detail is null ? null : Fill(card.Detail, focus, context),
            suggestions is { Count: > 0 } ? suggestions : null,
            suggestions is { Count: > 0 } ? "at-most-one" : null,
            card.OverrideReasons is { Length: > 0 } reasons ? [.. reasons.Select(r => new CdsCoding(r.Code, r.System, r.Display))] : null,
            card.Links is { Length: > 0 } links ? [.. links.Select(l => new CdsLink(l.Label, l.Url, l.Type))] : null);
    }

    private static List<CdsAction> Actions(SuggestionTemplate suggestion, string patientId, PocoNode focus, EvaluationContext context)
    {
        var description = suggestion.Description ?? suggestion.Label;
        if (suggestion.ActionType == "delete")
        {
            return suggestion.ResourceIdExpression is null ? [] : [.. Compile(suggestion.ResourceIdExpression)(focus, context)
                .Select(Text)
                .Where(id => !string.IsNullOrEmpty(id))
                .Distinct(StringComparer.Ordinal)
                .Select(id => new CdsAction("delete", description, ResourceId: id))];
        }
        if (suggestion.ResourceJson is null)
        {
            return [];
        }
        using var resource = JsonDocument.Parse(suggestion.ResourceJson.Replace("{{patientId}}", patientId, StringComparison.Ordinal));
        return [new CdsAction(suggestion.ActionType, description, resource.RootElement.Clone())];
    }

    /// <summary>Replaces each <c>{{FHIRPath}}</c> in a text with the expression's values, comma-separated.</summary>
    private static string Fill(string template, PocoNode focus, EvaluationContext context) => Placeholder().Replace(template, match =>
        string.Join(", ", Compile(match.Groups[1].Value.Trim())(focus, context).Select(Text)));

    private static string Text(PocoNode node) => node.Poco switch
    {
        Quantity q => $"{q.Value} {q.Unit}".Trim(),
        _ => node.GetValue() switch
        {
            null => node.Poco.ToString() ?? "",
            IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var value => value.ToString() ?? "",
        },
    };

    [GeneratedRegex(@"\{\{(.+?)\}\}")]
    private static partial Regex Placeholder();
}
