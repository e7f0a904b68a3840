using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluid;

namespace MedicalHub.Communication.Api.Templates;

/// <summary>Parses (once per distinct source) and renders Liquid with Fluid, and explains parse errors by line.</summary>
public sealed partial class LiquidTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> _parsed = new(StringComparer.Ordinal);

    /// <returns>Null when <paramref name="source"/> is valid Liquid, otherwise "Line L, column C: reason".</returns>
    public string? Validate(string source)
    {
        if (_parsed.ContainsKey(source) || Parser.TryParse(source, out _, out var error) )
        {
            return null;
        }
        var match = ErrorPosition().Match(error);
        return match.Success
            ? $"Line {match.Groups["line"].Value}, column {match.Groups["column"].Value}: {match.Groups["reason"].Value.TrimEnd('.')}."
            : error;
    }

    /// <summary>Renders <paramref name="source"/>; HTML-encodes values when <paramref name="html"/>.</summary>
    public async Task<string> RenderAsync(string source, IReadOnlyDictionary<string, object?> model, bool html)
    {
        var template = _parsed.GetOrAdd(source, s => Parser.TryParse(s, out var t, out var error)
            ? t
            : throw new TemplateException(Validate(s) ?? error));
        var context = new TemplateContext(Options);
        foreach (var (name, value) in model)
        {
            context.SetValue(name, value);
        }
        return await template.RenderAsync(context, html ? HtmlEncoder.Default : NullEncoder.Default);
    }

    /// <summary>JSON data as plain dictionaries, lists and values, which Liquid navigates.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    [GeneratedRegex(@"^(?<reason>.*?) at \((?<line>\d+):(?<column>\d+)\)", RegexOptions.Singleline)]
    private static partial Regex ErrorPosition();
}

public sealed class TemplateException(string message) : Exception(message);
