using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Providers.Ovh;

/// <summary>
/// OVH SMS: <c>POST /1.0/sms/{serviceName}/jobs</c>, signed with the application secret and consumer key. OVH refuses
/// timestamps far from its own clock, so the difference is read from <c>GET /1.0/auth/time</c> and reused.
/// </summary>
public sealed class OvhSmsProvider(string name, OvhOptions options, IHttpClientFactory httpClients, TimeProvider time, ILogger<OvhSmsProvider> logger) : IDeliveryProvider
{
    private readonly Lock _clockLock = new();
    private (long DeltaSeconds, DateTimeOffset MeasuredAt)? _clock;

    public string Name => name;

    public Channel Channel => Channel.Sms;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(message.TextBody))
        {
            return DeliveryResult.Permanent("An SMS needs a text body");
        }

        var client = httpClients.CreateClient(DeliveryProviderExtensions.HttpClientName(name));
        var url = options.Endpoint($"sms/{Uri.EscapeDataString(options.ServiceName)}/jobs");
        var body = JsonSerializer.Serialize(new SmsJob(
            Message: message.TextBody,
            Receivers: [message.To],
            Sender: string.IsNullOrWhiteSpace(options.Sender) ? null : options.Sender,
            SenderForResponse: string.IsNullOrWhiteSpace(options.Sender),
            NoStopClause: options.NoStopClause,
            Priority: "high",
            Charset: "UTF-8",
            Tag: message.AttemptId.ToString("N")));
        var timestamp = await OvhNowAsync(client, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Ovh-Application", options.ApplicationKey);
        request.Headers.Add("X-Ovh-Consumer", options.ConsumerKey);
        request.Headers.Add("X-Ovh-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Ovh-Signature", OvhRequestSigner.Sign(options.ApplicationSecret, options.ConsumerKey, "POST", url, body, timestamp));

        return await ProviderExchange.SendAsync(client, request, async (response, ct) =>
        {
            var report = await response.Content.ReadFromJsonAsync<SendingReport>(ct);
            if (report?.Ids is not { Count: > 0 } ids)
            {
                var invalid = report?.InvalidReceivers is { Count: > 0 } receivers ? string.Join(", ", receivers) : message.To;
                return DeliveryResult.Permanent($"OVH accepted no receiver (invalid: {invalid})");
            }

            return DeliveryResult.Sent(ids[0].ToString(CultureInfo.InvariantCulture));
        }, time, cancellationToken);
    }

    /// <summary>Our clock corrected by OVH's; our own clock alone when OVH's cannot be read (it is then retried next time).</summary>
    private async Task<long> OvhNowAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        (long DeltaSeconds, DateTimeOffset MeasuredAt)? clock;
        lock (_clockLock)
        {
            clock = _clock;
        }

        if (clock is null || now - clock.Value.MeasuredAt > options.ClockRefreshInterval)
        {
            clock = await MeasureClockAsync(client, cancellationToken);
            if (clock is not null)
            {
                lock (_clockLock)
                {
                    _clock = clock;
                }
            }
        }

        return time.GetUtcNow().ToUnixTimeSeconds() + (clock?.DeltaSeconds ?? 0);
    }

    private async Task<(long, DateTimeOffset)?> MeasureClockAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            var ovhTime = await client.GetFromJsonAsync<long>(options.Endpoint("auth/time"), cancellationToken);
            var now = time.GetUtcNow();
            return (ovhTime - now.ToUnixTimeSeconds(), now);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Could not read OVH's clock for provider {Provider}; signing with the local clock: {Error}", name, exception.Message);
            return null;
        }
    }

    private sealed record SmsJob(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("receivers")] IReadOnlyList<string> Receivers,
        [property: JsonPropertyName("sender"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sender,
        [property: JsonPropertyName("senderForResponse")] bool SenderForResponse,
        [property: JsonPropertyName("noStopClause")] bool NoStopClause,
        [property: JsonPropertyName("priority")] string Priority,
        [property: JsonPropertyName("charset")] string Charset,
        [property: JsonPropertyName("tag")] string Tag);

    private sealed record SendingReport(
        [property: JsonPropertyName("ids")] IReadOnlyList<long>? Ids,
        [property: JsonPropertyName("invalidReceivers")] IReadOnlyList<string>? InvalidReceivers,
        [property: JsonPropertyName("validReceivers")] IReadOnlyList<string>? ValidReceivers);
}
