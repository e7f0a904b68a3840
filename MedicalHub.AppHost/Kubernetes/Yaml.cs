using YamlDotNet.Serialization;

namespace MedicalHub.AppHost.Kubernetes;

/// <summary>Kubernetes objects (nested dictionaries and lists) as YAML documents; null entries are left out.</summary>
public static class Yaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithIndentedSequences()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    public static string Documents(IEnumerable<object> documents) =>
        string.Join("---\n", documents.Select(d => Serializer.Serialize(Prune(d)).Replace("\r\n", "\n", StringComparison.Ordinal)));

    /// <summary>A copy without null values (so optional fields can be written as null and simply disappear).</summary>
    private static object? Prune(object? value) => value switch
    {
        IDictionary<string, object?> map => map.Where(e => e.Value is not null)
            .Aggregate(new OrderedDictionary<string, object?>(), (copy, e) => { copy[e.Key] = Prune(e.Value); return copy; }),
        string text => text,
        System.Collections.IEnumerable list => list.Cast<object?>().Where(v => v is not null).Select(Prune).ToList(),
        _ => value,
    };
}
