using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text;
using System.Text.Json.Serialization;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Providers.Mailgun;

/// <summary>
/// Mailgun Messages API: <c>POST /v3/{domain}/messages</c> with form fields, <c>h:</c> headers and <c>v:</c> variables
/// (which come back in webhook events); the JSON answer's <c>id</c> is the Message-Id the events carry.
/// </summary>
public sealed class MailgunProvider(string name, MailgunOptions options, IHttpClientFactory httpClients, TimeProvider time) : IDeliveryProvider
{
    public string Name => name;

    public Channel Channel => Channel.Email;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.TextBody is null && message.HtmlBody is null)
        {
            return DeliveryResult.Permanent("The message has neither a text nor an HTML body");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint($"v3/{Uri.EscapeDataString(options.Domain)}/messages"))
        {
            Content = new FormUrlEncodedContent(BuildFields(message, options)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + options.ApiKey)));

        var client = httpClients.CreateClient(DeliveryProviderExtensions.HttpClientName(name));
        return await ProviderExchange.SendAsync(client, request, async (response, ct) =>
        {
            var receipt = await response.Content.ReadFromJsonAsync<Receipt>(ct);
            return DeliveryResult.Sent(NormalizeMessageId(receipt?.Id));
        }, time, cancellationToken);
    }

    /// <summary>Mailgun answers <c>&lt;id@domain&gt;</c> but its events carry <c>id@domain</c>.</summary>
    public static string? NormalizeMessageId(string? id) => id?.Trim().TrimStart('<').TrimEnd('>');

    internal static List<KeyValuePair<string, string>> BuildFields(OutboundMessage message, MailgunOptions options)
    {
        var from = options.FromName is null ? new MailAddress(options.FromEmail) : new MailAddress(options.FromEmail, options.FromName);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("from", from.ToString()),
            new("to", message.To),
            new("subject", message.Subject ?? ""),
        };
        if (message.TextBody is not null)
        {
            fields.Add(new("text", message.TextBody));
        }

        if (message.HtmlBody is not null)
        {
            fields.Add(new("html", message.HtmlBody));
        }

        fields.AddRange(message.Headers.Select(header => new KeyValuePair<string, string>("h:" + header.Key, header.Value)));
        fields.Add(new("v:notification_id", message.NotificationId.ToString()));
        fields.Add(new("v:attempt_id", message.AttemptId.ToString()));
        fields.Add(new("v:organization_id", message.OrganizationId.ToString()));
        return fields;
    }

    private sealed record Receipt([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("message")] string? Message);
}
