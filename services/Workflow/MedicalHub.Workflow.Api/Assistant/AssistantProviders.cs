using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>
/// The AI providers of the deployment (<c>MedicalHub:Assistant:Providers:&lt;name&gt;</c>): the AppHost passes each
/// one's non-secret settings, and its <c>ApiKey</c> from the secret parameter <c>workflow-assistant-&lt;name&gt;-api-key</c>.
/// </summary>
public sealed class AssistantOptions
{
    public const string SectionName = "MedicalHub:Assistant";

    public Dictionary<string, AssistantProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most an answer may be, in tokens.</summary>
    public int MaxOutputTokens { get; set; } = 1024;

    /// <summary>The most of the record (in characters) put into one prompt: the newest sources first.</summary>
    public int MaxContextCharacters { get; set; } = 24_000;
}

public sealed class AssistantProviderOptions
{
    public const string OpenAi = "openai";
    public const string Anthropic = "anthropic";

    /// <summary><c>openai</c> (the chat completions API, or any endpoint that speaks it) or <c>anthropic</c> (the messages API).</summary>
    public string Type { get; set; } = "";

    /// <summary>The API's base URL; the provider's own when empty (<c>https://api.openai.com/v1</c>, <c>https://api.anthropic.com</c>).</summary>
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    public string Model { get; set; } = "";

    /// <summary>How long a call (a whole streamed answer included) may take before it is given up as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The provider's prices per million tokens, for the cost estimate of each call.</summary>
    public decimal InputCostPerMillionTokens { get; set; }

    public decimal OutputCostPerMillionTokens { get; set; }

    public decimal CostOf(long input, long output) => (input * InputCostPerMillionTokens + output * OutputCostPerMillionTokens) / 1_000_000m;
}

/// <summary>
/// One <see cref="IChatClient"/> per configured provider, through its vendor's SDK (OpenAI's, with Microsoft.Extensions.AI.OpenAI;
/// Anthropic's own <c>AsIChatClient</c>), on an <see cref="HttpClient"/> with no retries of ours or the SDK's: a provider's
/// 429 or 500 is the caller's answer at once, and audited. The last status a provider answered is kept per call
/// (<see cref="ProviderExchange"/>) so failures name it whatever exception the SDK threw.
/// </summary>
public sealed class AssistantProviders(IOptions<AssistantOptions> options, IHttpClientFactory http)
{
    public const string HttpClientName = "assistant-provider";

    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, AssistantProviderOptions> Configured => options.Value.Providers
        .Where(p => IsUsable(p.Value)).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    private static bool IsUsable(AssistantProviderOptions provider) =>
        provider.Type is AssistantProviderOptions.OpenAi or AssistantProviderOptions.Anthropic && !string.IsNullOrEmpty(provider.ApiKey) && !string.IsNullOrEmpty(provider.Model);

    /// <summary>The chat client of a configured provider, or null when the deployment has no such provider (or it lacks its key or model).</summary>
    public (IChatClient Client, AssistantProviderOptions Options)? Find(string? name)
    {
        if (name is null || !options.Value.Providers.TryGetValue(name, out var provider) || !IsUsable(provider))
        {
            return null;
        }
        return (_clients.GetOrAdd(name, _ => Create(provider)), provider);
    }

    private IChatClient Create(AssistantProviderOptions provider)
    {
        var client = http.CreateClient(HttpClientName);
        client.Timeout = Timeout.InfiniteTimeSpan; // each call has its own deadline (the provider's Timeout)
        return provider.Type switch
        {
            AssistantProviderOptions.OpenAi => new OpenAI.Chat.ChatClient(provider.Model, new ApiKeyCredential(provider.ApiKey!), new OpenAIClientOptions
            {
                Endpoint = string.IsNullOrEmpty(provider.Endpoint) ? null : new Uri(provider.Endpoint),
                Transport = new HttpClientPipelineTransport(client),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = provider.Timeout + TimeSpan.FromSeconds(5), // our own deadline (Timeout) ends the call first
            }).AsIChatClient(),
            _ => new AnthropicClient
            {
                ApiKey = provider.ApiKey!,
                BaseUrl = string.IsNullOrEmpty(provider.Endpoint) ? "https://api.anthropic.com" : provider.Endpoint,
                HttpClient = client,
                MaxRetries = 0,
                Timeout = provider.Timeout + TimeSpan.FromSeconds(5),
            }.AsIChatClient(provider.Model, options.Value.MaxOutputTokens),
        };
    }
}

/// <summary>What the provider answered on the current call (the HTTP status), whatever the SDK made of it.</summary>
public sealed class ProviderExchange
{
    private static readonly AsyncLocal<ProviderExchange?> CurrentExchange = new();

    public int? Status { get; private set; }

    public static ProviderExchange Begin() => CurrentExchange.Value = new ProviderExchange();

    /// <summary>Records each provider answer's status on the call in progress.</summary>
    public sealed class Handler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (CurrentExchange.Value is { } exchange)
            {
                exchange.Status = (int)response.StatusCode;
            }
            return response;
        }
    }
}
