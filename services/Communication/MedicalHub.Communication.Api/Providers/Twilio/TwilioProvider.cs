using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Providers.Twilio;

/// <summary>Twilio Messages API: <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>; the answer's <c>sid</c> identifies the message.</summary>
public sealed class TwilioProvider(string name, TwilioOptions options, IHttpClientFactory httpClients, TimeProvider time) : IDeliveryProvider
{
    public string Name => name;

    public Channel Channel => Channel.Sms;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var body = message.TextBody;
        if (string.IsNullOrEmpty(body))
        {
            return DeliveryResult.Permanent("An SMS needs a text body");
        }

        var fields = new List<KeyValuePair<string, string>> { new("To", message.To) };
        fields.Add(string.IsNullOrWhiteSpace(options.MessagingServiceSid)
            ? new("From", options.From!)
            : new("MessagingServiceSid", options.MessagingServiceSid));
        fields.Add(new("Body", body));
        if (options.StatusCallbackUrl is not null)
        {
            fields.Add(new("StatusCallback", options.StatusCallbackUrl.AbsoluteUri));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint($"2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid)}/Messages.json"))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));

        var client = httpClients.CreateClient(DeliveryProviderExtensions.HttpClientName(name));
        return await ProviderExchange.SendAsync(client, request, async (response, ct) =>
        {
            var receipt = await response.Content.ReadFromJsonAsync<Receipt>(ct);
            return DeliveryResult.Sent(receipt?.Sid);
        }, time, cancellationToken);
    }

    private sealed record Receipt([property: JsonPropertyName("sid")] string? Sid, [property: JsonPropertyName("status")] string? Status);
}
