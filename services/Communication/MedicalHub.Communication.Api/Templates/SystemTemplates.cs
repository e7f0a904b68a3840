using System.Reflection;

namespace MedicalHub.Communication.Api.Templates;

/// <summary>
/// The default templates shipped in the assembly (<c>Templates/Defaults/[locale/]key.part.liquid</c>, part being
/// <c>subject</c>, <c>text</c> or <c>html</c>); organizations override them.
/// </summary>
public sealed class SystemTemplates
{
    private readonly Dictionary<(string Key, string Locale), TemplateContent> _templates;

    public SystemTemplates()
    {
        var parts = new Dictionary<(string Key, string Locale), Dictionary<string, string>>();
        var assembly = typeof(SystemTemplates).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Templates.", StringComparison.Ordinal) && n.EndsWith(".liquid", StringComparison.Ordinal)))
        {
            var path = resource["Templates.".Length..^".liquid".Length].Replace('\\', '/');
            var slash = path.LastIndexOf('/');
            var locale = slash < 0 ? "" : path[..slash];
            var file = path[(slash + 1)..];
            var dot = file.LastIndexOf('.');
            var key = file[..dot];
            var part = file[(dot + 1)..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            if (!parts.TryGetValue((key, locale), out var variant))
            {
                parts[(key, locale)] = variant = new Dictionary<string, string>(StringComparer.Ordinal);
            }
            variant[part] = part == "subject" ? text.Trim() : text;
        }

        _templates = parts.ToDictionary(p => p.Key, p => new TemplateContent(p.Key.Key, p.Key.Locale,
            p.Value.GetValueOrDefault("subject"), p.Value.GetValueOrDefault("text") ?? "", p.Value.GetValueOrDefault("html"), "system"));
    }

    public IEnumerable<TemplateContent> All => _templates.Values.OrderBy(t => t.Key, StringComparer.Ordinal).ThenBy(t => t.Locale, StringComparer.Ordinal);

    public TemplateContent? Find(string key, string locale) => _templates.GetValueOrDefault((key, locale));
}
