using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Notifications;

/// <summary>
/// Delivers <see cref="PathwayNotifications.MessageType"/> outbox messages to Communication's <c>POST /api/notifications</c>
/// with Workflow's client-credentials token, on behalf of the message's organization, the outbox message id as
/// Idempotency-Key (a repeated delivery never sends twice), and records the notification id Communication answers with.
/// </summary>
public sealed class NotificationOutboxHandler(IHttpClientFactory httpClients, IServiceScopeFactory scopes, TimeProvider time, ILogger<NotificationOutboxHandler> logger)
    : IOutboxHandler
{
    public const string HttpClientName = "workflow-communication-notifications";

    public string Type => PathwayNotifications.MessageType;

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        PathwayNotifications.Payload payload;
        try
        {
            payload = JsonSerializer.Deserialize<PathwayNotifications.Payload>(message.Payload, JsonSerializerOptions.Web)
                ?? throw new PermanentOutboxFailureException($"{message.Type} {message.MessageId} has no payload.");
        }
        catch (JsonException ex)
        {
            throw new PermanentOutboxFailureException($"{message.Type} {message.MessageId} is not valid JSON.", ex);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications")
        {
            Content = JsonContent.Create(new
            {
                recipient = new { userId = payload.Recipient.UserId, email = payload.Recipient.Email, locale = payload.Recipient.Locale },
                category = payload.Category,
                template = payload.Template,
                data = payload.Data,
                subject = payload.Subject,
                body = payload.Body,
                organizationId = payload.OrganizationId,
            }, options: JsonSerializerOptions.Web),
        };
        request.Headers.Add("Idempotency-Key", message.MessageId.ToString());
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            if (status == HttpStatusCode.UnprocessableEntity && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("Idempotency key reused", StringComparison.Ordinal))
            {
                logger.LogWarning("{Type} {MessageId} was already accepted by Communication with other content; not sent again", message.Type, message.MessageId);
                return;
            }
            if (!OutboxHttp.IsRetryable(status))
            {
                await RecordAsync(payload.OrganizationId, message.MessageId, null, "refused", cancellationToken);
            }
            await OutboxHttp.ThrowUnlessSuccessAsync(response, $"{message.Type} {message.MessageId}", cancellationToken);
        }
        var accepted = await response.Content.ReadFromJsonAsync<AcceptedNotification>(JsonSerializerOptions.Web, cancellationToken);
        await RecordAsync(payload.OrganizationId, message.MessageId, accepted?.Id, "accepted", cancellationToken);
    }

    private sealed record AcceptedNotification(Guid Id, string? Status);

    private async Task RecordAsync(Guid organizationId, Guid messageId, Guid? notificationId, string status, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrganizationScope>().ActFor(organizationId);
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
        // A delivery event may have come first: never move back from a later status to "accepted".
        await db.SentNotifications.Where(n => n.OutboxMessageId == messageId)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.NotificationId, x => x.NotificationId ?? notificationId)
                .SetProperty(x => x.Status, x => x.Status == "queued" ? status : x.Status)
                .SetProperty(x => x.UpdatedAt, time.GetUtcNow()), ct);
    }
}
