using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MedicalHub.AppHost.Tests;

/// <summary>The assistant's AI providers reach Workflow with their API keys as secret Aspire parameters, never from configuration.</summary>
public sealed class AssistantProviderParameterTests
{
    private static (IDistributedApplicationBuilder Builder, IResourceBuilder<ProjectResource> Workflow) Model(Dictionary<string, string?> configuration)
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json")]);
        foreach (var (key, value) in configuration)
        {
            builder.Configuration[key] = value;
        }
        return (builder, builder.AddProject<Projects.MedicalHub_Workflow_Api>("workflow"));
    }

    [Fact]
    public async Task Each_provider_gets_a_secret_api_key_parameter_and_its_other_settings_as_plain_configuration()
    {
        var (builder, workflow) = Model(new()
        {
            ["MedicalHub:Assistant:Providers:openai:Type"] = "openai",
            ["MedicalHub:Assistant:Providers:openai:Model"] = "gpt-4o-mini",
            ["MedicalHub:Assistant:Providers:claude:Type"] = "anthropic",
            ["MedicalHub:Assistant:Providers:claude:Model"] = "claude-sonnet-4-5",
            ["MedicalHub:Assistant:Providers:claude:Endpoint"] = "https://llm-proxy.example.org",
            ["MedicalHub:Assistant:MaxOutputTokens"] = "800",
        });

        workflow.WithAssistantProviders();

        var environment = await ServiceClientTests.EnvironmentAsync(builder, workflow.Resource);
        Assert.Equal("{workflow-assistant-openai-api-key.value}", environment["MedicalHub__Assistant__Providers__openai__ApiKey"]);
        Assert.Equal("{workflow-assistant-claude-api-key.value}", environment["MedicalHub__Assistant__Providers__claude__ApiKey"]);
        Assert.Equal("anthropic", environment["MedicalHub__Assistant__Providers__claude__Type"]);
        Assert.Equal("https://llm-proxy.example.org", environment["MedicalHub__Assistant__Providers__claude__Endpoint"]);
        Assert.Equal("800", environment["MedicalHub__Assistant__MaxOutputTokens"]);
        var parameters = builder.Resources.OfType<ParameterResource>().ToList();
        Assert.Equal(["workflow-assistant-claude-api-key", "workflow-assistant-openai-api-key"], parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(parameters, p => Assert.True(p.Secret, p.Name));
    }

    [Theory]
    [InlineData("MedicalHub:Assistant:Providers:openai:ApiKey", "sk-live-123", "set Parameters:workflow-assistant-openai-api-key")]
    [InlineData("MedicalHub:Assistant:Providers:openai:Type", "gemini", "not an assistant provider type")]
    [InlineData("MedicalHub:Assistant:Providers:Open_AI:Type", "openai", "a provider name is lower-case")]
    public void A_key_in_configuration_an_unknown_type_or_a_bad_name_stops_the_apphost(string key, string value, string expected)
    {
        var configuration = new Dictionary<string, string?> { ["MedicalHub:Assistant:Providers:openai:Type"] = "openai", [key] = value };
        var (_, workflow) = Model(configuration);

        var refused = Assert.Throws<DistributedApplicationException>(() => workflow.WithAssistantProviders());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-123", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_providers_the_workflow_gets_no_assistant_settings()
    {
        var (builder, workflow) = Model([]);

        workflow.WithAssistantProviders();

        var environment = await ServiceClientTests.EnvironmentAsync(builder, workflow.Resource);
        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("MedicalHub__Assistant", StringComparison.Ordinal));
        Assert.Empty(builder.Resources.OfType<ParameterResource>());
    }
}
