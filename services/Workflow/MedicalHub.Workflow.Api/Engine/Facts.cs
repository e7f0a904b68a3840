using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// What conditions, timers and placeholders of one instance can read, as one JSON tree: <c>outcome</c> (of the step just
/// ended), <c>vars</c>, <c>patient</c>, <c>observations</c>, <c>event</c>, <c>steps</c>, <c>instance</c>. Paths are
/// dotted (<c>observations.4548-4.value</c>); a missing path is null.
/// </summary>
public sealed partial class Facts(JsonObject root)
{
    /// <summary>The first segment of every fact path.</summary>
    public static readonly IReadOnlySet<string> Roots = new HashSet<string>(StringComparer.Ordinal)
    {
        "outcome", "vars", "patient", "observations", "event", "steps", "instance",
    };

    public JsonObject Root { get; } = root;

    public static Facts Empty() => new([]);

    public JsonNode? Resolve(string path)
    {
        JsonNode? node = Root;
        foreach (var segment in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>Whether <paramref name="path"/> is a well-formed fact path (a known root, non-empty segments).</summary>
    public static bool IsValidPath(string? path) =>
        path is { Length: > 0 and <= 200 } && path.Split('.') is var segments && Roots.Contains(segments[0]) && segments.All(s => s.Length > 0);

    /// <summary>Replaces every <c>{{fact}}</c> in <paramref name="template"/> with the fact's text (empty when missing).</summary>
    public string Render(string template) =>
        Placeholder().Replace(template, m => Resolve(m.Groups[1].Value.Trim()) switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => other.ToJsonString(),
        });

    /// <summary>A copy of <paramref name="node"/> with every string value rendered (<see cref="Render"/>).</summary>
    public JsonNode? RenderNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, RenderNode(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(RenderNode)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var s && IsWholePlaceholder(s, out var path) =>
            Resolve(path)?.DeepClone(), // "{{vars.count}}" keeps the fact's own type
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Render(v.GetValue<string>())),
        _ => node.DeepClone(),
    };

    /// <summary>The placeholders' fact paths in <paramref name="template"/>.</summary>
    public static IEnumerable<string> PlaceholderPaths(string template) => Placeholder().Matches(template).Select(m => m.Groups[1].Value.Trim());

    private static bool IsWholePlaceholder(string s, out string path)
    {
        var m = Placeholder().Match(s);
        path = m.Success ? m.Groups[1].Value.Trim() : "";
        return m.Success && m.Index == 0 && m.Length == s.Length;
    }

    /// <summary>A date the fact holds (an ISO 8601 string), or null.</summary>
    public DateTimeOffset? DateOf(string path) =>
        Resolve(path) is JsonValue v && v.TryGetValue<string>(out var s)
        && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
