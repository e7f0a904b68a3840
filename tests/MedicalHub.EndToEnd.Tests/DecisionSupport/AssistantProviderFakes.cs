using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedicalHub.EndToEnd.Tests.DecisionSupport;

/// <summary>
/// The suite's AI providers, WireMock.Net servers in the test process speaking each vendor's wire format: OpenAI's chat
/// completions (<c>POST /v1/chat/completions</c>, JSON or <c>data:</c> chunks ending in <c>[DONE]</c>) and Anthropic's
/// messages (<c>POST /v1/messages</c>, JSON or named events). Each records what it received (path, headers, body), and
/// each test scripts the answers for requests carrying its own marker word only.
/// </summary>
internal static partial class AssistantProviderFakes
{
    public static readonly FakeAiProvider OpenAi = new("openai-fake", "openai", "gpt-test-mini", TimeSpan.FromSeconds(20));

    public static readonly FakeAiProvider Anthropic = new("anthropic-fake", "anthropic", "claude-test", TimeSpan.FromSeconds(20));

    /// <summary>An OpenAI-type provider with a short timeout: a fake that answers later counts as not answering.</summary>
    public static readonly FakeAiProvider Impatient = new("openai-impatient", "openai", "gpt-test-mini", TimeSpan.FromSeconds(2));

    private static readonly FakeAiProvider[] All = [OpenAi, Anthropic, Impatient];

    public const decimal InputCostPerMillion = 2.5m;
    public const decimal OutputCostPerMillion = 10m;

    public static void Apply(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var workflow in builder.Resources.OfType<ProjectResource>().Where(r => r.Name == "workflow" || r.Name.StartsWith("workflow-", StringComparison.Ordinal)).ToList())
        {
            workflow.Annotations.Add(new EnvironmentCallbackAnnotation(Configure));
        }
    }

    private static void Configure(IDictionary<string, object> env)
    {
        foreach (var fake in All)
        {
            var prefix = $"MedicalHub__Assistant__Providers__{fake.Name}__";
            env[prefix + "Type"] = fake.Type;
            env[prefix + "Endpoint"] = fake.Type == "openai" ? fake.Server.Urls[0] + "/v1" : fake.Server.Urls[0];
            env[prefix + "ApiKey"] = fake.ApiKey;
            env[prefix + "Model"] = fake.Model;
            env[prefix + "Timeout"] = fake.Timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            env[prefix + "InputCostPerMillionTokens"] = InputCostPerMillion.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env[prefix + "OutputCostPerMillionTokens"] = OutputCostPerMillion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A marker word for one test (letters only, so de-identification leaves it alone).</summary>
    public static string NewMarker() => "marker" + new string([.. Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8)]) + "x";

    [GeneratedRegex(@"\[(NAME|DATE|PHONE|ADDRESS|ID|EMAIL)-\d+\]")]
    public static partial Regex Placeholder();
}

/// <summary>How a fake answers: the text (in pieces when streamed), or a status, after a delay; or a broken stream.</summary>
internal sealed record FakeAiAnswer(string[] Pieces, int Status = 200, TimeSpan Delay = default, bool GarbageStream = false, int InputTokens = 120, int OutputTokens = 30)
{
    public static FakeAiAnswer Text(params string[] pieces) => new(pieces);

    public static FakeAiAnswer Failing(int status) => new([], status);
}

internal sealed record FakeAiRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body, bool Stream)
{
    /// <summary>Every string value of the JSON body, decoded (a serializer may escape characters such as '+'), one per line.</summary>
    public string Text => string.Join("\n", Strings(JsonNode.Parse(Body)));

    /// <summary>The text of each message (the system prompt first), whether a string or an array of text parts.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            var root = JsonNode.Parse(Body)!;
            var texts = new List<string>();
            if (root["system"] is { } system)
            {
                texts.Add(string.Concat(Strings(system is JsonArray ? new JsonArray([.. system.AsArray().Select(p => p?["text"]?.DeepClone())]) : system)));
            }
            foreach (var message in root["messages"]!.AsArray())
            {
                var content = message!["content"]!;
                texts.Add(content is JsonArray parts ? string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())) : content.GetValue<string>());
            }
            return texts;
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };
}

internal sealed class FakeAiProvider
{
    private readonly ConcurrentQueue<(string Marker, FakeAiRequest Request)> _received = new();

    public FakeAiProvider(string name, string type, string model, TimeSpan timeout)
    {
        Name = name;
        Type = type;
        Model = model;
        Timeout = timeout;
        ApiKey = $"sk-fake-key-of-{name}";
        Server = WireMockServer.Start();
    }

    public string Name { get; }

    public string Type { get; }

    public string Model { get; }

    public TimeSpan Timeout { get; }

    public string ApiKey { get; }

    public WireMockServer Server { get; }

    private string Path => Type == "openai" ? "/v1/chat/completions" : "/v1/messages";

    /// <summary>Every request this fake received that carried <paramref name="marker"/>, in order of arrival.</summary>
    public IReadOnlyList<FakeAiRequest> Received(string marker) => [.. _received.Where(r => r.Marker == marker).Select(r => r.Request)];

    /// <summary>
    /// Answers requests whose body holds <paramref name="marker"/> with what <paramref name="script"/> says; <c>{placeholder}</c>
    /// in the answer's text becomes the first <c>[NAME-n]</c> placeholder of the request (so a de-identified answer speaks of the patient).
    /// </summary>
    public void Answer(string marker, Func<FakeAiRequest, FakeAiAnswer> script)
    {
        Server
            .Given(Request.Create().WithPath(Path).UsingPost().WithBody((string? body) => body is not null && body.Contains(marker, StringComparison.Ordinal)))
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                var body = request.Body ?? "";
                var stream = JsonNode.Parse(body)?["stream"]?.GetValue<bool>() == true;
                var headers = request.Headers?.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase) ?? [];
                var received = new FakeAiRequest(request.Path, headers, body, stream);
                _received.Enqueue((marker, received));
                var answer = script(received);
                if (answer.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(answer.Delay);
                }
                var name = AssistantProviderFakes.Placeholder().Matches(body).Select(m => m.Value).FirstOrDefault(p => p.StartsWith("[NAME", StringComparison.Ordinal)) ?? "the patient";
                var pieces = answer.Pieces.Select(p => p.Replace("{placeholder}", name, StringComparison.Ordinal)).ToArray();
                var response = new ResponseMessage { StatusCode = answer.Status };
                if (answer.Status != 200)
                {
                    response.AddHeader("Content-Type", "application/json");
                    response.BodyData = new WireMock.Util.BodyData
                    {
                        DetectedBodyType = WireMock.Types.BodyType.String,
                        BodyAsString = Type == "openai"
                            ? """{"error":{"message":"Fake failure","type":"server_error","code":null}}"""
                            : """{"type":"error","error":{"type":"api_error","message":"Fake failure"}}""",
                    };
                    return (IResponseMessage)response;
                }
                response.AddHeader("Content-Type", stream ? "text/event-stream" : "application/json");
                response.BodyData = new WireMock.Util.BodyData
                {
                    DetectedBodyType = WireMock.Types.BodyType.String,
                    BodyAsString = answer.GarbageStream ? "data: {\"id\": \"chatcmpl-1\", \"choices\": [{\"delta\": {\"content\": 42, \nnot json at all\n\n"
                        : Type == "openai" ? OpenAiBody(pieces, stream, answer) : AnthropicBody(pieces, stream, answer),
                };
                return response;
            }));
    }

    private string OpenAiBody(string[] pieces, bool stream, FakeAiAnswer answer)
    {
        var usage = new JsonObject { ["prompt_tokens"] = answer.InputTokens, ["completion_tokens"] = answer.OutputTokens, ["total_tokens"] = answer.InputTokens + answer.OutputTokens };
        if (!stream)
        {
            return new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion", ["created"] = 1_764_000_000, ["model"] = Model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(pieces) }, ["finish_reason"] = "stop",
                }),
                ["usage"] = usage,
            }.ToJsonString();
        }
        var events = new StringBuilder();
        JsonObject Chunk(JsonArray choices) => new() { ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1_764_000_000, ["model"] = Model, ["choices"] = choices };
        foreach (var (piece, i) in pieces.Select((p, i) => (p, i)))
        {
            var delta = new JsonObject { ["content"] = piece };
            if (i == 0)
            {
                delta["role"] = "assistant";
            }
            events.Append("data: ").Append(Chunk(new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null })).ToJsonString()).Append("\n\n");
        }
        events.Append("data: ").Append(Chunk(new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = "stop" })).ToJsonString()).Append("\n\n");
        var last = Chunk([]);
        last["usage"] = usage;
        events.Append("data: ").Append(last.ToJsonString()).Append("\n\ndata: [DONE]\n\n");
        return events.ToString();
    }

    private string AnthropicBody(string[] pieces, bool stream, FakeAiAnswer answer)
    {
        if (!stream)
        {
            return new JsonObject
            {
                ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = Model,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = string.Concat(pieces) }),
                ["stop_reason"] = "end_turn", ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = answer.InputTokens, ["output_tokens"] = answer.OutputTokens },
            }.ToJsonString();
        }
        var events = new StringBuilder();
        void Event(string name, JsonObject data) => events.Append("event: ").Append(name).Append("\ndata: ").Append(data.ToJsonString()).Append("\n\n");
        Event("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = Model, ["content"] = new JsonArray(),
                ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = new JsonObject { ["input_tokens"] = answer.InputTokens, ["output_tokens"] = 1 },
            },
        });
        Event("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } });
        foreach (var piece in pieces)
        {
            Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = piece } });
        }
        Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        Event("message_delta", new JsonObject
        {
            ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = answer.OutputTokens },
        });
        Event("message_stop", new JsonObject { ["type"] = "message_stop" });
        return events.ToString();
    }
}
