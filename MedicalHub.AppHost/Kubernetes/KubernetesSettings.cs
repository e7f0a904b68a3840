using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost.Kubernetes;

/// <summary>
/// What the Kubernetes output needs beyond the application model: image names, the Secret that holds secret
/// parameters, resource sizes, and per overlay (dev, prod, ...) the namespace, public host, replicas and the values
/// of non-secret parameters. Read from <c>deploy/kubernetes.settings.json</c>, then from the AppHost's configuration
/// section <c>MedicalHub:Kubernetes</c> (environment variables such as <c>MedicalHub__Kubernetes__Images__Tag</c>),
/// which wins. <see cref="Read"/> checks everything first and names each bad setting.
/// </summary>
public sealed partial record KubernetesSettings(
    string ImageRegistry,
    string ImageTag,
    string SecretName,
    IReadOnlyDictionary<string, SecretLocation> ProvidedSecrets,
    IReadOnlyDictionary<string, ResourceSizing> Sizing,
    IReadOnlyList<OverlaySettings> Overlays)
{
    public const string SectionName = "MedicalHub:Kubernetes";
    public const string SettingsFileName = "kubernetes.settings.json";

    /// <summary>The sizing of a resource: its own entry (by app-model name), else the entry of its kind (Service, Postgres, Redis).</summary>
    public ResourceSizing SizingFor(string resourceName, string kind) =>
        Sizing.TryGetValue(resourceName, out var own) ? own
        : Sizing.TryGetValue(kind, out var byKind) ? byKind
        : throw new KubernetesPublishingException($"{SectionName}:Sizing has no entry for '{resourceName}' nor for its kind '{kind}'.");

    /// <summary>The settings file (if there is one) overlaid with the AppHost's <c>MedicalHub:Kubernetes</c> section.</summary>
    public static KubernetesSettings Read(IConfiguration appHostConfiguration, string? settingsFile)
    {
        var builder = new ConfigurationBuilder();
        if (settingsFile is not null && File.Exists(settingsFile))
        {
            builder.AddJsonFile(settingsFile, optional: false, reloadOnChange: false);
        }
        var overrides = appHostConfiguration.GetSection(SectionName).AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key, pair => pair.Value);
        builder.AddInMemoryCollection(overrides);
        return Parse(builder.Build());
    }

    /// <summary>Parses a configuration shaped like <c>deploy/kubernetes.settings.json</c>; all problems in one message.</summary>
    public static KubernetesSettings Parse(IConfiguration section)
    {
        var problems = new List<string>();

        var registry = section["Images:Registry"];
        if (string.IsNullOrWhiteSpace(registry) || !ImageRepository().IsMatch(registry))
        {
            problems.Add($"{SectionName}:Images:Registry '{registry}' is not an image repository prefix (lower-case host[:port]/path, e.g. registry.example.org/medicalhub)");
        }
        var tag = section["Images:Tag"];
        if (string.IsNullOrEmpty(tag) || !ImageTagPattern().IsMatch(tag))
        {
            problems.Add($"{SectionName}:Images:Tag '{tag}' is not an image tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
        }

        var secretName = section["Secrets:Name"] ?? "medicalhub-secrets";
        if (!DnsSubdomain().IsMatch(secretName))
        {
            problems.Add($"{SectionName}:Secrets:Name '{secretName}' is not a Kubernetes object name");
        }
        var provided = new Dictionary<string, SecretLocation>(StringComparer.Ordinal);
        foreach (var entry in section.GetSection("Secrets:Provided").GetChildren())
        {
            var parts = (entry.Value ?? "").Split('/');
            if (parts.Length != 2 || !DnsSubdomain().IsMatch(parts[0]) || !SecretKeyPattern().IsMatch(parts[1]))
            {
                problems.Add($"{SectionName}:Secrets:Provided:{entry.Key} '{entry.Value}' is not '<secret name>/<key>'");
                continue;
            }
            provided[entry.Key] = new SecretLocation(parts[0], parts[1]);
        }

        var sizing = new Dictionary<string, ResourceSizing>(StringComparer.Ordinal);
        foreach (var entry in section.GetSection("Sizing").GetChildren())
        {
            sizing[entry.Key] = ResourceSizing.Parse(entry, problems);
        }

        var overlays = new List<OverlaySettings>();
        foreach (var entry in section.GetSection("Overlays").GetChildren())
        {
            overlays.Add(OverlaySettings.Parse(entry, problems));
        }
        if (overlays.Count == 0)
        {
            problems.Add($"{SectionName}:Overlays names no overlay (at least dev and prod are expected)");
        }

        if (problems.Count > 0)
        {
            throw new KubernetesPublishingException("The Kubernetes settings are invalid:" + Environment.NewLine + "  - "
                + string.Join(Environment.NewLine + "  - ", problems));
        }
        return new KubernetesSettings(registry!, tag!, secretName, provided, sizing, overlays);
    }

    internal static string DisplayPath(IConfigurationSection section) => $"{SectionName}:{section.Path}";

    // host[:port]/path with lower-case components, as the OCI distribution spec names repositories.
    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*(\.[a-z0-9-]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)+$")]
    private static partial Regex ImageRepository();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex ImageTagPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    internal static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    internal static partial Regex DnsLabel();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+$")]
    internal static partial Regex SecretKeyPattern();
}

/// <summary>Where the operator keeps a secret parameter: a key of a Kubernetes Secret.</summary>
public sealed record SecretLocation(string SecretName, string Key);

/// <summary>Requests and limits of one container, and the volume size of a store.</summary>
public sealed partial record ResourceSizing(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit, string? Storage)
{
    internal static ResourceSizing Parse(IConfigurationSection section, List<string> problems)
    {
        string Quantity(string key, bool required = true)
        {
            var value = section[key];
            if (value is null && !required)
            {
                return "";
            }
            if (value is null || !QuantityPattern().IsMatch(value))
            {
                problems.Add($"{KubernetesSettings.DisplayPath(section)}:{key} '{value}' is not a Kubernetes quantity (e.g. 100m, 1, 256Mi)");
            }
            return value ?? "";
        }
        var storage = Quantity("Storage", required: false);
        return new ResourceSizing(Quantity("CpuRequest"), Quantity("MemoryRequest"), Quantity("CpuLimit"), Quantity("MemoryLimit"),
            storage.Length == 0 ? null : storage);
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")]
    private static partial Regex QuantityPattern();
}

/// <summary>One Kustomize overlay: a namespace, the public host of the gateway's ingress, scale and per-environment values.</summary>
public sealed record OverlaySettings(
    string Name,
    string Namespace,
    int Replicas,
    int MaxReplicas,
    string Host,
    string? TlsSecretName,
    string? IngressClassName,
    string? IngressControllerNamespace,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Environment)
{
    /// <summary>The URL clients use: what an external endpoint of the app model (the gateway's) resolves to.</summary>
    public string PublicUrl => $"{(TlsSecretName is null ? "http" : "https")}://{Host}";

    internal static OverlaySettings Parse(IConfigurationSection section, List<string> problems)
    {
        var path = KubernetesSettings.DisplayPath(section);
        if (!KubernetesSettings.DnsLabel().IsMatch(section.Key))
        {
            problems.Add($"{path}: an overlay name is a lower-case DNS label (it names a folder)");
        }
        var ns = section["Namespace"] ?? "";
        if (!KubernetesSettings.DnsLabel().IsMatch(ns))
        {
            problems.Add($"{path}:Namespace '{ns}' is not a Kubernetes namespace name (lower-case DNS label)");
        }
        var replicas = ParseCount(section, "Replicas", problems);
        var maxReplicas = ParseCount(section, "MaxReplicas", problems);
        if (replicas is not null && maxReplicas is not null && maxReplicas < replicas)
        {
            problems.Add($"{path}:MaxReplicas {maxReplicas} is below {path}:Replicas {replicas}");
        }
        var host = section["Host"] ?? "";
        if (!KubernetesSettings.DnsSubdomain().IsMatch(host))
        {
            problems.Add($"{path}:Host '{host}' is not a DNS host name");
        }
        var tls = section["TlsSecretName"];
        if (tls is not null && !KubernetesSettings.DnsSubdomain().IsMatch(tls))
        {
            problems.Add($"{path}:TlsSecretName '{tls}' is not a Kubernetes object name");
        }
        var controllerNamespace = section["IngressControllerNamespace"];
        if (controllerNamespace is not null && !KubernetesSettings.DnsLabel().IsMatch(controllerNamespace))
        {
            problems.Add($"{path}:IngressControllerNamespace '{controllerNamespace}' is not a namespace name");
        }

        var parameters = section.GetSection("Parameters").GetChildren()
            .ToDictionary(p => p.Key, p => p.Value ?? "", StringComparer.Ordinal);
        var environment = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var resource in section.GetSection("Environment").GetChildren())
        {
            environment[resource.Key] = resource.GetChildren().ToDictionary(v => v.Key, v => v.Value ?? "", StringComparer.Ordinal);
        }

        return new OverlaySettings(section.Key, ns, replicas ?? 1, maxReplicas ?? 1, host, tls, section["IngressClassName"],
            controllerNamespace, parameters, environment);
    }

    private static int? ParseCount(IConfigurationSection section, string key, List<string> problems)
    {
        var text = section[key];
        if (text is null)
        {
            problems.Add($"{KubernetesSettings.DisplayPath(section)}:{key} is missing (a whole number from 1 to 100)");
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 100)
        {
            problems.Add($"{KubernetesSettings.DisplayPath(section)}:{key} '{text}' is not a whole number from 1 to 100");
            return null;
        }
        return value;
    }
}

/// <summary>A problem with the model or the settings that stops publishing; its message names what to change.</summary>
public sealed class KubernetesPublishingException(string message) : Exception(message);
