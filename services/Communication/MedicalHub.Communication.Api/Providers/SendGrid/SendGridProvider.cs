using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Providers.SendGrid;

/// <summary>SendGrid v3 Mail Send: <c>POST /v3/mail/send</c>, answered by 202 and the id in <c>X-Message-Id</c>.</summary>
public sealed class SendGridProvider(string name, SendGridOptions options, IHttpClientFactory httpClients, TimeProvider time) : IDeliveryProvider
{
    public string Name => name;

    public Channel Channel => Channel.Email;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.TextBody is null && message.HtmlBody is null)
        {
            return DeliveryResult.Permanent("The message has neither a text nor an HTML body");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint("v3/mail/send"))
        {
            Content = ProviderExchange.JsonBody(BuildMail(message, options)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);

        var client = httpClients.CreateClient(DeliveryProviderExtensions.HttpClientName(name));
        return await ProviderExchange.SendAsync(client, request, (response, _) =>
        {
            var id = response.Headers.TryGetValues("X-Message-Id", out var values) ? values.FirstOrDefault() : null;
            return Task.FromResult(DeliveryResult.Sent(id));
        }, time, cancellationToken);
    }

    internal static Mail BuildMail(OutboundMessage message, SendGridOptions options)
    {
        var content = new List<MailContent>();
        if (message.TextBody is not null)
        {
            content.Add(new MailContent("text/plain", message.TextBody)); // SendGrid requires text/plain first
        }

        if (message.HtmlBody is not null)
        {
            content.Add(new MailContent("text/html", message.HtmlBody));
        }

        return new Mail(
            [new Personalization([new Address(message.To, null)])],
            new Address(options.FromEmail, options.FromName),
            message.Subject ?? "",
            content,
            message.Headers.Count == 0 ? null : message.Headers,
            new Dictionary<string, string>
            {
                ["notification_id"] = message.NotificationId.ToString(),
                ["attempt_id"] = message.AttemptId.ToString(),
                ["organization_id"] = message.OrganizationId.ToString(),
            });
    }

    internal sealed record Mail(
        [property: JsonPropertyName("personalizations")] IReadOnlyList<Personalization> Personalizations,
        [property: JsonPropertyName("from")] Address From,
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("content")] IReadOnlyList<MailContent> Content,
        [property: JsonPropertyName("headers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Headers,
        [property: JsonPropertyName("custom_args")] IReadOnlyDictionary<string, string> CustomArgs);

    internal sealed record Personalization([property: JsonPropertyName("to")] IReadOnlyList<Address> To);

    internal sealed record Address(
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name);

    internal sealed record MailContent([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("value")] string Value);
}
