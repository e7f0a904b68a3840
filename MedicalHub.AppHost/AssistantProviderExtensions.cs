using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost;

/// <summary>
/// The AI providers of Workflow's assistant, declared in the AppHost's own configuration without code change:
/// <c>MedicalHub:Assistant:Providers:&lt;name&gt;</c> with <c>Type</c> (<c>openai</c> or <c>anthropic</c>), <c>Model</c>
/// and optionally <c>Endpoint</c>, <c>Timeout</c>, <c>InputCostPerMillionTokens</c>, <c>OutputCostPerMillionTokens</c>.
/// Each provider's <c>ApiKey</c> is the secret parameter <c>workflow-assistant-&lt;name&gt;-api-key</c> (AppHost user
/// secrets <c>Parameters:workflow-assistant-&lt;name&gt;-api-key</c>, or an input of the deployment manifest), never the
/// configuration: an <c>ApiKey</c> given there stops the AppHost with the parameter to use instead. No provider declared:
/// the assistant answers "not configured".
/// </summary>
public static partial class AssistantProviderExtensions
{
    public const string SectionName = "MedicalHub:Assistant";
    public const string ProvidersSectionName = SectionName + ":Providers";
    public static readonly string[] Types = ["openai", "anthropic"];

    public static string ParameterName(string provider) => $"workflow-assistant-{provider}-api-key";

    public static IResourceBuilder<ProjectResource>? WithAssistantProviders(this IResourceBuilder<ProjectResource>? workflow)
    {
        if (workflow is null)
        {
            return null;
        }
        var builder = workflow.ApplicationBuilder;
        var problems = new List<string>();
        foreach (var provider in builder.Configuration.GetSection(ProvidersSectionName).GetChildren())
        {
            if (!ProviderName().IsMatch(provider.Key))
            {
                problems.Add($"{provider.Path}: a provider name is lower-case letters, digits and single dashes, starting with a letter (it names a parameter)");
                continue;
            }
            if (!Types.Contains(provider["Type"], StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{provider.Path}:Type '{provider["Type"]}' is not an assistant provider type ({string.Join(", ", Types)})");
                continue;
            }
            var parameterName = ParameterName(provider.Key);
            if (!string.IsNullOrEmpty(provider["ApiKey"]))
            {
                problems.Add($"{provider.Path}:ApiKey is a secret: remove it from the configuration and set the parameter instead "
                    + $"(dotnet user-secrets --project MedicalHub.AppHost set Parameters:{parameterName} '<value>')");
                continue;
            }
            workflow.WithEnvironment($"MedicalHub__Assistant__Providers__{provider.Key}__ApiKey",
                builder.SharedParameter(parameterName, b => b.AddParameter(parameterName, secret: true)));
        }
        if (problems.Count > 0)
        {
            throw new DistributedApplicationException("The assistant providers' configuration is invalid: " + string.Join("; ", problems));
        }
        foreach (var (key, value) in builder.Configuration.GetSection(SectionName).AsEnumerable())
        {
            if (value is not null && !key.EndsWith(":ApiKey", StringComparison.OrdinalIgnoreCase))
            {
                workflow.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }
        return workflow;
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex ProviderName();
}
