using System.Text.Json;
using System.Text.RegularExpressions;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>What makes a rule acceptable: a slug key, known hooks, FHIRPath that compiles, and a card CDS Hooks allows.</summary>
public static partial class RuleValidation
{
    /// <summary>Problems by field (ValidationProblem's shape), empty when the rule is sound.</summary>
    public static Dictionary<string, string[]> Problems(RuleDefinition rule)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(rule.Key) || !Slug().IsMatch(rule.Key))
        {
            errors["key"] = ["A slug of 1 to 64 lower-case letters, digits and dashes."];
        }
        if (string.IsNullOrWhiteSpace(rule.Title) || rule.Title.Length > 200)
        {
            errors["title"] = ["1 to 200 characters."];
        }
        if (rule.Hooks is not { Length: > 0 } || rule.Hooks.Any(h => !CdsCodes.Hooks.Contains(h, StringComparer.Ordinal)))
        {
            errors["hooks"] = [$"One or more of {string.Join(", ", CdsCodes.Hooks)}."];
        }
        Expression(errors, "applicability", rule.Applicability);
        Expression(errors, "condition", rule.Condition);
        var card = rule.Card;
        if (card is null)
        {
            errors["card"] = ["A card is required."];
            return errors;
        }
        if (string.IsNullOrWhiteSpace(card.Summary) || (!card.Summary.Contains("{{", StringComparison.Ordinal) && card.Summary.Length >= 140))
        {
            errors["card.summary"] = ["Required, under 140 characters (CDS Hooks)."];
        }
        if (!CdsCodes.Indicators.Contains(card.Indicator, StringComparer.Ordinal))
        {
            errors["card.indicator"] = ["One of info, warning, critical."];
        }
        if (card.SourceUrl is not null && !Uri.TryCreate(card.SourceUrl, UriKind.Absolute, out _))
        {
            errors["card.sourceUrl"] = ["An absolute URL."];
        }
        foreach (var (suggestion, i) in (card.Suggestions ?? []).Select((s, i) => (s, i)))
        {
            var at = $"card.suggestions[{i}]";
            if (string.IsNullOrWhiteSpace(suggestion.Label))
            {
                errors[$"{at}.label"] = ["Required."];
            }
            if (!CdsCodes.ActionTypes.Contains(suggestion.ActionType, StringComparer.Ordinal))
            {
                errors[$"{at}.actionType"] = ["One of create, update, delete."];
            }
            else if (suggestion.ActionType == "delete")
            {
                Expression(errors, $"{at}.resourceIdExpression", suggestion.ResourceIdExpression);
            }
            else if (!IsFhirResourceJson(suggestion.ResourceJson))
            {
                errors[$"{at}.resourceJson"] = ["A FHIR resource as JSON (an object with a resourceType)."];
            }
        }
        foreach (var (link, i) in (card.Links ?? []).Select((l, i) => (l, i)))
        {
            if (string.IsNullOrWhiteSpace(link.Label) || !Uri.TryCreate(link.Url, UriKind.Absolute, out _) || link.Type is not ("absolute" or "smart"))
            {
                errors[$"card.links[{i}]"] = ["A label, an absolute URL and a type (absolute or smart)."];
            }
        }
        foreach (var (reason, i) in (card.OverrideReasons ?? []).Select((r, i) => (r, i)))
        {
            if (string.IsNullOrWhiteSpace(reason.Code) || string.IsNullOrWhiteSpace(reason.Display))
            {
                errors[$"card.overrideReasons[{i}]"] = ["A code and a display."];
            }
        }
        return errors;
    }

    private static void Expression(Dictionary<string, string[]> errors, string field, string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression) || expression.Length > 4000)
        {
            errors[field] = ["A FHIRPath expression of at most 4000 characters."];
        }
        else if (RuleEvaluator.CompileError(expression) is { } error)
        {
            errors[field] = [$"Not valid FHIRPath: {error}"];
        }
    }

    private static bool IsFhirResourceJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex Slug();
}
