using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.Data.Events;
using MedicalHub.Data.Outbox;

namespace MedicalHub.Content.Api.Events;

/// <summary>
/// Sends the outbox's copies for one subscriber: <c>POST {Url}/api/internal/events</c> with the wire form
/// (<see cref="IntegrationEvent"/>, the outbox message id as <c>MessageId</c>) and Content's token for the subscriber.
/// 2xx: delivered. What <see cref="OutboxHttp.IsRetryable"/> says is worth another attempt (401, 408, 429, 5xx, and here
/// 404: a subscriber that does not serve the path yet, mid-deployment) is tried again with the relay's backoff; any other
/// refusal: dead letter.
/// </summary>
public sealed class IntegrationEventDelivery(string subscriber, Uri url, IHttpClientFactory httpClients) : IOutboxHandler
{
    public static string HttpClientNameFor(string subscriber) => $"content-events-{subscriber}";

    public string Type => IntegrationEventOutbox.MessageTypeFor(subscriber);

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        QueuedEvent queued;
        try
        {
            queued = JsonSerializer.Deserialize<QueuedEvent>(message.Payload, JsonSerializerOptions.Web)
                ?? throw new PermanentOutboxFailureException($"Outbox message {message.MessageId} holds no event.");
        }
        catch (JsonException ex)
        {
            throw new PermanentOutboxFailureException($"Outbox message {message.MessageId} is not an event.", ex);
        }

        var wire = new IntegrationEvent(message.MessageId, queued.Type, IntegrationEventOutbox.Source, queued.OrganizationId, queued.OccurredAt, queued.Data);
        var http = httpClients.CreateClient(HttpClientNameFor(subscriber));
        using var response = await http.PostAsJsonAsync(new Uri(url, IntegrationEvent.SubscriberPath), wire, JsonSerializerOptions.Web, cancellationToken);
        await OutboxHttp.ThrowUnlessSuccessAsync(response, $"{queued.Type} {message.MessageId}", cancellationToken, target: subscriber, notFoundIsRetryable: true);
    }
}
