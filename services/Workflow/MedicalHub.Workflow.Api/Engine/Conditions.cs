using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.Workflow.Api.Definitions;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>Evaluates and checks <see cref="Condition"/>s. Pure: the same facts always give the same answer.</summary>
public static class Conditions
{
    public static readonly IReadOnlySet<string> Operators = new HashSet<string>(StringComparer.Ordinal)
    {
        "eq", "ne", "gt", "ge", "lt", "le", "in", "contains", "exists", "missing",
    };

    public static bool Evaluate(Condition condition, Facts facts)
    {
        if (condition.All is { } all)
        {
            return all.All(c => Evaluate(c, facts));
        }
        if (condition.Any is { } any)
        {
            return any.Any(c => Evaluate(c, facts));
        }
        if (condition.Not is { } not)
        {
            return !Evaluate(not, facts);
        }
        var actual = facts.Resolve(condition.Fact!);
        var expected = condition.Value;
        return condition.Op switch
        {
            "exists" => actual is not null,
            "missing" => actual is null,
            "eq" => actual is not null && expected is { } e && AreEqual(actual, e),
            "ne" => !(actual is not null && expected is { } e2 && AreEqual(actual, e2)),
            "gt" => Compare(actual, expected) is > 0,
            "ge" => Compare(actual, expected) is >= 0,
            "lt" => Compare(actual, expected) is < 0,
            "le" => Compare(actual, expected) is <= 0,
            "in" => actual is not null && expected is { ValueKind: JsonValueKind.Array } list && list.EnumerateArray().Any(v => AreEqual(actual, v)),
            "contains" => Contains(actual, expected),
            _ => false,
        };
    }

    /// <summary>What is wrong with a condition (its first problem), or null when it is well-formed.</summary>
    public static string? Problem(Condition? condition, int depth = 0)
    {
        if (condition is null)
        {
            return "A condition is empty.";
        }
        if (depth > 10)
        {
            return "Conditions nest at most 10 deep.";
        }
        var forms = (condition.All is null ? 0 : 1) + (condition.Any is null ? 0 : 1) + (condition.Not is null ? 0 : 1) + (condition.Fact is null && condition.Op is null ? 0 : 1);
        if (forms != 1)
        {
            return "A condition is exactly one of: all, any, not, or a comparison (fact, op, value).";
        }
        foreach (var child in condition.All ?? condition.Any ?? [])
        {
            if (Problem(child, depth + 1) is { } problem)
            {
                return problem;
            }
        }
        if (condition.Not is { } not)
        {
            return Problem(not, depth + 1);
        }
        if (condition.All is not null || condition.Any is not null)
        {
            return (condition.All ?? condition.Any)!.Count == 0 ? "'all' and 'any' need at least one condition." : null;
        }
        if (!Facts.IsValidPath(condition.Fact))
        {
            return $"'{condition.Fact}' is not a fact: start with one of {string.Join(", ", Facts.Roots)}.";
        }
        if (condition.Op is null || !Operators.Contains(condition.Op))
        {
            return $"'{condition.Op}' is not an operator: one of {string.Join(", ", Operators)}.";
        }
        var needsValue = condition.Op is not ("exists" or "missing");
        if (needsValue && condition.Value is null)
        {
            return $"The operator '{condition.Op}' needs a value.";
        }
        if (condition.Op == "in" && condition.Value is not { ValueKind: JsonValueKind.Array })
        {
            return "The operator 'in' needs an array of values.";
        }
        return null;
    }

    private static bool AreEqual(JsonNode actual, JsonElement expected)
    {
        if (Number(actual) is { } a && Number(expected) is { } b)
        {
            return a == b;
        }
        if (Text(actual) is { } s && expected.ValueKind == JsonValueKind.String)
        {
            return string.Equals(s, expected.GetString(), StringComparison.Ordinal);
        }
        if (actual is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False && expected.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetValue<bool>() == expected.GetBoolean();
        }
        return false;
    }

    /// <summary>Numbers compare as numbers, dates (ISO 8601 strings) as instants, other strings ordinally; anything else does not compare.</summary>
    private static int? Compare(JsonNode? actual, JsonElement? expected)
    {
        if (actual is null || expected is not { } e)
        {
            return null;
        }
        if (Number(actual) is { } a && Number(e) is { } b)
        {
            return a.CompareTo(b);
        }
        if (Text(actual) is { } s && e.ValueKind == JsonValueKind.String && e.GetString() is { } t)
        {
            return Date(s) is { } ds && Date(t) is { } dt ? ds.CompareTo(dt) : string.CompareOrdinal(s, t);
        }
        return null;
    }

    private static bool Contains(JsonNode? actual, JsonElement? expected) => (actual, expected) switch
    {
        (JsonArray array, { } e) => array.Any(item => item is not null && AreEqual(item, e)),
        (JsonValue v, { ValueKind: JsonValueKind.String } e) when v.TryGetValue<string>(out var s) => s.Contains(e.GetString()!, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>A number whatever backs the node (parsed JSON, or a value created from an int, a decimal…), read from its JSON text.</summary>
    private static decimal? Number(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static decimal? Number(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d) ? d : null;

    private static string? Text(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static DateTimeOffset? Date(string s) =>
        s.Length >= 10 && char.IsAsciiDigit(s[0]) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
