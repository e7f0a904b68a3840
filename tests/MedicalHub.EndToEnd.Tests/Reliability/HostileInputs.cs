using System.Text;
using System.Text.Json.Nodes;

namespace MedicalHub.EndToEnd.Tests.Reliability;

/// <summary>
/// Hostile values for one parameter or JSON property, chosen by its OpenAPI schema: the wrong type, the
/// extremes of the right one, text a database cannot store, path tricks, and other organizations' ids.
/// Each value has a name, so a failure says which input broke which operation.
/// </summary>
internal static class HostileInputs
{
    public sealed record Value(string Name, string Raw);

    private static readonly string HugeText = new('x', 100_000);

    /// <summary>Values as they would appear in a URL (already escaped for a path segment or a query value).</summary>
    public static IEnumerable<Value> ForUrl(JsonObject? schema, IReadOnlyList<Guid> foreignIds)
    {
        var type = TypeOf(schema);
        var format = schema?["format"]?.GetValue<string>();
        if (format == "uuid" || type == "uuid")
        {
            yield return new("random id", Guid.NewGuid().ToString());
            foreach (var (id, i) in foreignIds.Select((id, i) => (id, i)))
            {
                yield return new($"another organization's id #{i + 1}", id.ToString());
            }
            yield return new("empty id", Guid.Empty.ToString());
        }
        if (type is "integer" or "number")
        {
            yield return new("negative", "-1");
            yield return new("zero", "0");
            yield return new("int32 overflow", "2147483648");
            yield return new("int64 overflow", "9223372036854775808");
            yield return new("huge float", "1e309");
            yield return new("NaN", "NaN");
        }
        yield return new("not of the type", "not-a-" + (type ?? "value"));
        yield return new("empty", "");
        yield return new("huge", HugeText);
        yield return new("NUL", "a%00b");
        yield return new("invalid UTF-8", "%ED%A0%80%FF");
        yield return new("path traversal", "..%2F..%2F..%2Fetc%2Fpasswd");
        yield return new("SQL", Uri.EscapeDataString("' OR 1=1; DROP TABLE users; --"));
        yield return new("array syntax", "%5B%5D");
    }

    /// <summary>JSON values for a property of the given schema (the right shape's extremes, and wrong shapes).</summary>
    public static IEnumerable<(string Name, JsonNode? Node)> ForJson(JsonObject? schema)
    {
        var type = TypeOf(schema);
        yield return ("null", null);
        yield return ("NUL in a string", JsonValue.Create("a\0b"));
        yield return ("huge string", JsonValue.Create(new string('y', 1_000_000)));
        yield return ("wrong type: object", new JsonObject { ["x"] = 1 });
        yield return ("wrong type: array", new JsonArray(1, "two", null));
        switch (type)
        {
            case "string":
                yield return ("wrong type: number", JsonValue.Create(12345));
                yield return ("empty string", JsonValue.Create(""));
                yield return ("path traversal", JsonValue.Create("../../../etc/passwd"));
                yield return ("control characters", JsonValue.Create("\u0001\u001b[31m\r\n"));
                break;
            case "integer" or "number":
                yield return ("negative", JsonValue.Create(-1));
                yield return ("int64 max", JsonValue.Create(long.MaxValue));
                yield return ("int64 min", JsonValue.Create(long.MinValue));
                yield return ("fraction", JsonValue.Create(0.5));
                yield return ("wrong type: string", JsonValue.Create("12"));
                break;
            case "boolean":
                yield return ("wrong type: string", JsonValue.Create("true"));
                break;
            case "array":
                yield return ("huge array", new JsonArray([.. Enumerable.Range(0, 20_000).Select(i => (JsonNode)JsonValue.Create(i))]));
                break;
            default:
                yield return ("wrong type: string", JsonValue.Create("x"));
                break;
        }
    }

    /// <summary>Whole bodies that are not what any operation accepts.</summary>
    public static IEnumerable<(string Name, string ContentType, byte[] Body)> MalformedBodies()
    {
        yield return ("truncated JSON", "application/json", Encoding.UTF8.GetBytes("{\"a\":"));
        yield return ("JSON null", "application/json", Encoding.UTF8.GetBytes("null"));
        yield return ("JSON array", "application/json", Encoding.UTF8.GetBytes("[1,2,3]"));
        yield return ("JSON number", "application/json", Encoding.UTF8.GetBytes("1e400"));
        yield return ("deep JSON", "application/json", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        yield return ("lone surrogate escape", "application/json", Encoding.UTF8.GetBytes("{\"a\":\"\\ud800\"}"));
        yield return ("invalid UTF-8", "application/json", [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        yield return ("NUL byte", "application/json", Encoding.UTF8.GetBytes("{\"a\":\"\0\"}"));
        yield return ("duplicate properties", "application/json", Encoding.UTF8.GetBytes("{\"a\":1,\"a\":\"two\"}"));
        yield return ("plain text", "text/plain", Encoding.UTF8.GetBytes("hello"));
        yield return ("form", "application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("a=1&b=%00"));
        yield return ("form without NUL", "application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("a=1&b=2"));
        yield return ("broken multipart", "multipart/form-data; boundary=zzz", Encoding.UTF8.GetBytes("--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x\"\r\n\r\nabc"));
        yield return ("empty", "application/json", []);
    }

    /// <summary>The JSON Schema type, looking through OpenAPI 3.1's type arrays (<c>["null","string"]</c>).</summary>
    public static string? TypeOf(JsonObject? schema) => schema?["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t is not null and not "null"),
        _ => null,
    };
}
