using System.Globalization;
namespace MedicalHub.AppHost.Kubernetes;

/// <summary>A piece of a value in the cluster: plain text, or a secret parameter that only the cluster knows.</summary>
public abstract record ValuePart;

public sealed record TextPart(string Text) : ValuePart;

public sealed record SecretPart(ParameterResource Parameter) : ValuePart;

/// <summary>
/// A value of the app model as the cluster sees it: text and secret references, the resources it makes its
/// holder call (for network policies), or nothing at all when it names what has no place in the cluster (a
/// project's https endpoint: TLS ends at the ingress, services speak plain HTTP inside, as in run mode).
/// </summary>
public sealed record ClusterValue(IReadOnlyList<ValuePart> Parts, IReadOnlySet<IResource> Calls, bool Omitted = false)
{
    public static ClusterValue Text(string text) => new([new TextPart(text)], new HashSet<IResource>());

    public static readonly ClusterValue Nothing = new([], new HashSet<IResource>(), Omitted: true);

    public bool IsText => Parts.All(p => p is TextPart);

    public string AsText() => string.Concat(Parts.Select(p => p is TextPart t ? t.Text : throw new InvalidOperationException("The value holds a secret.")));

    public static ClusterValue Concat(IEnumerable<ClusterValue> values)
    {
        var list = values.ToList();
        if (list.Any(v => v.Omitted))
        {
            return Nothing;
        }
        var parts = new List<ValuePart>();
        foreach (var part in list.SelectMany(v => v.Parts))
        {
            if (part is TextPart text && parts.Count > 0 && parts[^1] is TextPart previous)
            {
                parts[^1] = new TextPart(previous.Text + text.Text);
            }
            else if (part is not TextPart { Text.Length: 0 })
            {
                parts.Add(part);
            }
        }
        return new ClusterValue(parts, list.SelectMany(v => v.Calls).ToHashSet());
    }
}

/// <summary>
/// Turns the app model's values (strings, parameters, endpoints, connection strings, reference expressions) into
/// <see cref="ClusterValue"/>s for one overlay. A resource is reached at its app-model name (Kubernetes DNS in the
/// namespace); an external endpoint (the gateway's) at the overlay's public URL.
/// </summary>
public sealed class ModelValues(KubernetesSettings settings, OverlaySettings overlay)
{
    /// <summary>The port a project listens on in its container (the .NET images' default, non-root).</summary>
    public const int ProjectHttpPort = 8080;

    public ClusterValue Resolve(object? value, string usedAs) => value switch
    {
        null => ClusterValue.Text(""),
        string text => ClusterValue.Text(text),
        ParameterResource parameter => Parameter(parameter, usedAs),
        ReferenceExpression expression => Expression(expression, usedAs),
        EndpointReference endpoint => Endpoint(endpoint, EndpointProperty.Url),
        EndpointReferenceExpression property => Endpoint(property.Endpoint, property.Property),
        ConnectionStringReference reference => ConnectionString(reference.Resource, usedAs),
        IResourceWithConnectionString resource => ConnectionString(resource, usedAs),
        IResourceBuilder<IResource> builder => Resolve(builder.Resource, usedAs),
        _ => throw new KubernetesPublishingException(
            $"{usedAs}: a value of type {value.GetType().Name} has no Kubernetes form yet (teach MedicalHub.AppHost/Kubernetes/ModelValues.cs)."),
    };

    /// <summary>The port a resource's endpoint has in the cluster (its Service port, equal to the container port).</summary>
    public static int? PortOf(EndpointAnnotation endpoint, IResource owner) =>
        endpoint.TargetPort ?? (owner is ProjectResource && endpoint.UriScheme is "http" ? ProjectHttpPort : endpoint.Port);

    /// <summary>Whether the endpoint exists in the cluster: a project's https endpoint does not (TLS ends at the ingress).</summary>
    public static bool ExistsInCluster(EndpointAnnotation endpoint, IResource owner) =>
        !(owner is ProjectResource && endpoint.UriScheme == "https");

    private ClusterValue Parameter(ParameterResource parameter, string usedAs)
    {
        if (parameter.Secret)
        {
            return new ClusterValue([new SecretPart(parameter)], new HashSet<IResource>());
        }
        if (overlay.Parameters.TryGetValue(parameter.Name, out var configured))
        {
            return ClusterValue.Text(configured);
        }
        if (parameter.Default is { } fallback and not GenerateParameterDefault)
        {
            return ClusterValue.Text(fallback.GetDefaultValue());
        }
        throw new KubernetesPublishingException(
            $"The parameter '{parameter.Name}' (used as {usedAs}) has no value for the '{overlay.Name}' overlay: "
            + $"set {KubernetesSettings.SectionName}:Overlays:{overlay.Name}:Parameters:{parameter.Name}.");
    }

    private ClusterValue Expression(ReferenceExpression expression, string usedAs)
    {
        if (expression.IsConditional)
        {
            var condition = Resolve(expression.Condition, usedAs);
            if (!condition.IsText)
            {
                throw new KubernetesPublishingException($"{usedAs}: a conditional value depends on a secret, which the cluster cannot choose by.");
            }
            var chosen = string.Equals(condition.AsText(), expression.MatchValue, StringComparison.OrdinalIgnoreCase)
                ? expression.WhenTrue : expression.WhenFalse;
            return chosen is null ? ClusterValue.Text("") : Expression(chosen, usedAs);
        }

        // Format is a composite format string: literal text with {0}, {1:uri}... holes (braces doubled in text).
        var pieces = new List<ClusterValue>();
        var format = expression.Format;
        var literal = new System.Text.StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '{' && i + 1 < format.Length && format[i + 1] == '{') { literal.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < format.Length && format[i + 1] == '}') { literal.Append('}'); i++; continue; }
            if (c != '{') { literal.Append(c); continue; }

            var close = format.IndexOf('}', i);
            var hole = format[(i + 1)..close];
            var colon = hole.IndexOf(':', StringComparison.Ordinal);
            var index = int.Parse(colon < 0 ? hole : hole[..colon], CultureInfo.InvariantCulture);
            var filter = colon < 0 ? null : hole[(colon + 1)..];
            pieces.Add(ClusterValue.Text(literal.ToString()));
            literal.Clear();
            pieces.Add(Filtered(Resolve(expression.ValueProviders[index], usedAs), filter, usedAs));
            i = close;
        }
        pieces.Add(ClusterValue.Text(literal.ToString()));
        return ClusterValue.Concat(pieces);
    }

    private static ClusterValue Filtered(ClusterValue value, string? filter, string usedAs)
    {
        if (filter is null)
        {
            return value;
        }
        if (filter != "uri")
        {
            throw new KubernetesPublishingException($"{usedAs}: the format '{filter}' has no Kubernetes form.");
        }
        // The cluster cannot URI-encode a secret; it need not when the secret is generated from letters and digits only.
        foreach (var part in value.Parts.OfType<SecretPart>())
        {
            if (part.Parameter.Default is not GenerateParameterDefault { Special: false })
            {
                throw new KubernetesPublishingException(
                    $"{usedAs}: the secret parameter '{part.Parameter.Name}' is URI-encoded there, which the cluster cannot do; "
                    + "only generated secrets without special characters can be used in a URI.");
            }
        }
        return new ClusterValue(value.Parts.Select(p => p is TextPart t ? new TextPart(Uri.EscapeDataString(t.Text)) : p).ToList(), value.Calls);
    }

    private ClusterValue Endpoint(EndpointReference reference, EndpointProperty property)
    {
        var owner = reference.Resource;
        var endpoint = owner.Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == reference.EndpointName)
            ?? throw new KubernetesPublishingException($"'{owner.Name}' has no endpoint named '{reference.EndpointName}'.");
        if (!ExistsInCluster(endpoint, owner))
        {
            return ClusterValue.Nothing;
        }
        var calls = new HashSet<IResource> { owner };
        var port = PortOf(endpoint, owner)
            ?? throw new KubernetesPublishingException($"The endpoint '{endpoint.Name}' of '{owner.Name}' has no port: give it a target port.");
        var portText = port.ToString(CultureInfo.InvariantCulture);
        if (endpoint.IsExternal && property is EndpointProperty.Url)
        {
            // Reached from outside through the ingress (tokens' issuer, links in e-mails): not a call inside the cluster.
            return ClusterValue.Text(overlay.PublicUrl);
        }
        var text = property switch
        {
            EndpointProperty.Url => $"{endpoint.UriScheme}://{owner.Name}:{portText}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => owner.Name,
            EndpointProperty.Port or EndpointProperty.TargetPort => portText,
            EndpointProperty.Scheme => endpoint.UriScheme,
            EndpointProperty.HostAndPort => $"{owner.Name}:{portText}",
            EndpointProperty.TlsEnabled => bool.FalseString,
            _ => throw new KubernetesPublishingException($"The endpoint property {property} of '{owner.Name}' has no Kubernetes form."),
        };
        return new ClusterValue([new TextPart(text)], calls);
    }

    private ClusterValue ConnectionString(IResourceWithConnectionString resource, string usedAs)
    {
        var value = Expression(resource.ConnectionStringExpression, usedAs);
        // A database is reached on its server.
        var target = resource is PostgresDatabaseResource database ? (IResource)database.Parent : resource;
        return value with { Calls = value.Calls.Append(target).ToHashSet() };
    }

    /// <summary>Where the cluster finds a secret parameter (the Secret the operator creates, and its key).</summary>
    public SecretLocation SecretOf(ParameterResource parameter) =>
        settings.ProvidedSecrets.TryGetValue(parameter.Name, out var provided) ? provided
        : parameter.Default is GenerateParameterDefault ? new SecretLocation(settings.SecretName, parameter.Name)
        : throw new KubernetesPublishingException(
            $"The secret parameter '{parameter.Name}' has no generated default, so only its owner can give its value: name the "
            + $"Kubernetes Secret that holds it in {KubernetesSettings.SectionName}:Secrets:Provided:{parameter.Name} ('<secret name>/<key>').");
}
