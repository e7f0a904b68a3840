using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.Data.Outbox;
using MedicalHub.Workflow.Api.Definitions;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// Calls another platform service for a service-call step or a compensation: <c>http://&lt;service&gt;</c> by service
/// discovery, with Workflow's client-credentials token for that service, the step's (or compensation's) id as
/// <c>Idempotency-Key</c> (so a call repeated after a crash or a timeout has one effect), and placeholders rendered from
/// the instance's facts. The engine owns retries: one attempt per call.
/// </summary>
public sealed class ServiceCalls(IHttpClientFactory httpClients, IOptions<EngineOptions> options)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static string ClientName(string service) => $"workflow-call-{service}";

    public abstract record Result;

    /// <summary>2xx: the answer's JSON body (null when empty or not JSON).</summary>
    public sealed record Succeeded(int Status, JsonNode? Body) : Result;

    /// <summary>A refusal retrying cannot fix (4xx other than 401, 408, 429).</summary>
    public sealed record Refused(int Status, string Error) : Result;

    /// <summary>Worth another attempt: 401, 408, 429, 5xx, a timeout, the service unreachable.</summary>
    public sealed record Transient(string Error) : Result;

    public async Task<Result> CallAsync(ServiceCallSpec spec, Facts facts, string idempotencyKey, CancellationToken ct)
    {
        var path = facts.Render(spec.Path!);
        if (!Uri.TryCreate(path, UriKind.Relative, out var relative) || path.Contains("..", StringComparison.Ordinal) || path.Contains("//", StringComparison.Ordinal))
        {
            return new Refused(0, $"The rendered path '{path}' is not a path of the service.");
        }
        using var request = new HttpRequestMessage(new HttpMethod(spec.Method!), relative);
        if (spec.Body is not null)
        {
            request.Content = JsonContent.Create(facts.RenderNode(spec.Body), options: JsonSerializerOptions.Web);
        }
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.CallTimeout);
        try
        {
            using var response = await httpClients.CreateClient(ClientName(spec.Service!)).SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                JsonNode? body = null;
                try
                {
                    body = text.Length == 0 ? null : JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    // Not JSON: the call succeeded, there is just no result to keep.
                }
                return new Succeeded(status, body);
            }
            var error = $"{spec.Service} answered {status} to {spec.Method} {path}: {(text.Length <= 500 ? text : text[..500])}";
            return OutboxHttp.IsRetryable(response.StatusCode) ? new Transient(error) : new Refused(status, error);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Transient($"{spec.Service} did not answer {spec.Method} {path} within {options.Value.CallTimeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex)
        {
            return new Transient($"{spec.Service} could not be reached: {ex.Message}");
        }
    }
}
