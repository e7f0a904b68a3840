using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost;

/// <summary>
/// The delivery providers a deployment uses, declared in the AppHost's own configuration (appsettings, environment, user
/// secrets) without code change: <c>MedicalHub:Communication:Providers:&lt;name&gt;</c> with <c>Type</c> and the
/// non-secret settings (<c>BaseUrl</c>, <c>FromEmail</c>, <c>AccountSid</c>, <c>Domain</c>, ...). Every other key under
/// <c>MedicalHub:Communication</c> (routing, delivery tuning) is passed as is.
/// Each secret setting of a provider's type becomes a secret Aspire parameter named
/// <c>communication-&lt;name&gt;-&lt;setting&gt;</c> (e.g. <c>communication-sendgrid-main-api-key</c>), passed to the service
/// as <c>MedicalHub__Communication__Providers__&lt;name&gt;__&lt;Setting&gt;</c>: its value lives in the AppHost's user
/// secrets (<c>Parameters:communication-sendgrid-main-api-key</c>) or is an input of the deployment manifest, never in
/// the configuration; a secret setting given a value there stops the AppHost with the parameter to use instead.
/// </summary>
public static partial class CommunicationProviderExtensions
{
    public const string SectionName = "MedicalHub:Communication";
    public const string ProvidersSectionName = SectionName + ":Providers";

    /// <summary>An AppHost-only switch of a provider entry: declare its webhook's secret too (SendGrid, Mailgun).</summary>
    public const string WebhooksKey = "Webhooks";

    /// <summary>A secret setting of a provider type; an optional one is declared only for an entry with <c>Webhooks: true</c>.</summary>
    public sealed record SecretSetting(string Key, bool ForWebhooks = false);

    /// <summary>The secret settings of each provider type (the service's <c>Providers/*Options</c>), by type.</summary>
    public static readonly IReadOnlyDictionary<string, SecretSetting[]> SecretSettings = new Dictionary<string, SecretSetting[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["sendgrid"] = [new("ApiKey"), new("WebhookPublicKey", ForWebhooks: true)],
        ["mailgun"] = [new("ApiKey"), new("WebhookSigningKey", ForWebhooks: true)],
        ["twilio"] = [new("AuthToken")],
        ["ovh"] = [new("ApplicationSecret"), new("ConsumerKey")],
        // The whole key file; or, for an entry that gives ProjectId and ClientEmail itself, its private key alone.
        ["fcm"] = [new("ServiceAccountJson"), new("PrivateKey")],
        // A relay's URL may carry credentials (smtp://user:password@host); an entry naming a connection string
        // (ConnectionStringName, e.g. the development mailbox "mail") has no secret.
        ["smtp"] = [new("ConnectionString")],
    };

    /// <summary>Declares the configured providers on the Communication service (see the type's summary).</summary>
    public static IResourceBuilder<ProjectResource> WithDeliveryProviders(this IResourceBuilder<ProjectResource> communication)
    {
        var builder = communication.ApplicationBuilder;
        var section = builder.Configuration.GetSection(SectionName);
        var providers = builder.Configuration.GetSection(ProvidersSectionName).GetChildren().ToList();
        var secretKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();

        foreach (var provider in providers)
        {
            var name = provider.Key;
            if (!ProviderName().IsMatch(name))
            {
                problems.Add($"{provider.Path}: a provider name is lower-case letters, digits and single dashes, starting with a letter (it names parameters and webhook URLs)");
                continue;
            }
            var type = provider["Type"];
            if (type is null || !SecretSettings.TryGetValue(type, out var secrets))
            {
                problems.Add($"{provider.Path}:Type '{type}' is not a provider type ({string.Join(", ", SecretSettings.Keys)})");
                continue;
            }
            foreach (var secret in secrets)
            {
                var key = $"{provider.Path}:{secret.Key}";
                secretKeys.Add(key);
                var parameterName = ParameterName(name, secret.Key);
                if (!string.IsNullOrEmpty(builder.Configuration[key]))
                {
                    problems.Add($"{key} is a secret: remove it from the configuration and set the parameter instead "
                        + $"(dotnet user-secrets --project MedicalHub.AppHost set Parameters:{parameterName} '<value>')");
                    continue;
                }
                if (IsDeclared(provider, secret))
                {
                    communication.WithEnvironment(EnvironmentName(key), builder.SharedParameter(parameterName, b => b.AddParameter(parameterName, secret: true)));
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new DistributedApplicationException("The delivery providers' configuration is invalid: " + string.Join("; ", problems));
        }

        foreach (var (key, value) in section.AsEnumerable())
        {
            if (value is null || secretKeys.Contains(key) || IsAppHostOnly(key))
            {
                continue;
            }
            communication.WithEnvironment(EnvironmentName(key), value);
        }
        return communication;
    }

    /// <summary>The parameter holding one secret setting of one provider: <c>communication-&lt;name&gt;-&lt;setting in kebab case&gt;</c>.</summary>
    public static string ParameterName(string provider, string setting) =>
        $"communication-{provider}-{Words().Replace(setting, "$1-$2").ToLowerInvariant()}";

    private static bool IsDeclared(IConfigurationSection provider, SecretSetting secret)
    {
        if (secret.ForWebhooks)
        {
            return provider.GetValue<bool>(WebhooksKey);
        }
        if (string.Equals(provider["Type"], "fcm", StringComparison.OrdinalIgnoreCase))
        {
            var separateKeys = !string.IsNullOrEmpty(provider["ClientEmail"]);
            return secret.Key == (separateKeys ? "PrivateKey" : "ServiceAccountJson");
        }
        if (string.Equals(provider["Type"], "smtp", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrEmpty(provider["ConnectionStringName"]);
        }
        return true;
    }

    private static bool IsAppHostOnly(string key)
    {
        var path = key.Split(':');
        return path.Length == 5 && key.StartsWith(ProvidersSectionName + ":", StringComparison.OrdinalIgnoreCase)
            && string.Equals(path[4], WebhooksKey, StringComparison.OrdinalIgnoreCase);
    }

    private static string EnvironmentName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex ProviderName();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex Words();
}
