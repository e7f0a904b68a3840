using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Providers.Fcm;

/// <summary>
/// Firebase Cloud Messaging HTTP v1: <c>POST /v1/projects/{projectId}/messages:send</c> with a service-account access
/// token; the answer's <c>name</c> (<c>projects/…/messages/…</c>) identifies the message. The recipient is a device
/// registration token.
/// </summary>
public sealed class FcmProvider(string name, FcmOptions options, GoogleAccessTokenSource tokens, IHttpClientFactory httpClients, TimeProvider time) : IDeliveryProvider
{
    public string Name => name;

    public Channel Channel => Channel.Push;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(DeliveryProviderExtensions.HttpClientName(name));
        var (token, error) = await tokens.GetTokenAsync(client, cancellationToken);
        if (token is null)
        {
            // FCM never saw the message: a token problem says nothing about the message, another provider may do.
            return DeliveryResult.Transient(error!);
        }

        var data = new Dictionary<string, string>(message.Data)
        {
            ["notification_id"] = message.NotificationId.ToString(),
            ["attempt_id"] = message.AttemptId.ToString(),
        };
        var body = new SendRequest(new PushMessage(
            message.To,
            message.Subject is null && message.TextBody is null ? null : new PushNotification(message.Subject, message.TextBody),
            data));

        using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint($"v1/projects/{Uri.EscapeDataString(options.ProjectId!)}/messages:send"))
        {
            Content = ProviderExchange.JsonBody(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        return await ProviderExchange.SendAsync(client, request, async (response, ct) =>
        {
            var receipt = await response.Content.ReadFromJsonAsync<SendResponse>(ct);
            return DeliveryResult.Sent(receipt?.Name);
        }, time, cancellationToken, RefusedTokenOrTransient);

        bool RefusedTokenOrTransient(HttpStatusCode status)
        {
            if (status == HttpStatusCode.Unauthorized)
            {
                // Our token was refused (revoked, or expired early): the message is fine and a fresh token may succeed.
                tokens.Invalidate();
                return true;
            }

            return ProviderExchange.IsTransient(status);
        }
    }

    private sealed record SendRequest([property: JsonPropertyName("message")] PushMessage Message);

    private sealed record PushMessage(
        [property: JsonPropertyName("token")] string Token,
        [property: JsonPropertyName("notification"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PushNotification? Notification,
        [property: JsonPropertyName("data")] IReadOnlyDictionary<string, string> Data);

    private sealed record PushNotification(
        [property: JsonPropertyName("title"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title,
        [property: JsonPropertyName("body"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Body);

    private sealed record SendResponse([property: JsonPropertyName("name")] string? Name);
}
