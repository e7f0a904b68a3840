using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.Data.Outbox;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// Tells a share's recipient (a user) about it, through Communication's <c>POST /api/notifications</c> with Content's own
/// client-credentials token, for the recipient's organization, the outbox message id as idempotency key (a repeated
/// delivery never notifies twice). The message names no document and no patient: it may travel by e-mail, so it only
/// says that something was shared and where to look. Refusals retrying cannot fix (4xx but 401, 408, 429) dead-letter
/// the message; the rest is retried with the relay's backoff.
/// </summary>
public sealed class ShareNotificationHandler(IHttpClientFactory clients, IOptions<SharingSettings> settings) : IOutboxHandler
{
    public const string MessageType = "share.notify";
    public const string HttpClientName = "MedicalHub.Content.Communication";
    public const string Category = "document-shared";

    public string Type => MessageType;

    /// <summary>The outbox payload, written when the share is made.</summary>
    public sealed record Payload(Guid ShareId, Guid RecipientUserId, Guid RecipientOrganizationId, bool IsChart, string? SharedByName);

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        Payload payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(message.Payload, JsonSerializerOptions.Web)
                ?? throw new PermanentOutboxFailureException("Empty share notification payload.");
        }
        catch (JsonException ex)
        {
            throw new PermanentOutboxFailureException("The share notification payload is not valid JSON.", ex);
        }
        var what = payload.IsChart ? "a patient's record" : "a document";
        var who = string.IsNullOrWhiteSpace(payload.SharedByName) ? "A colleague" : payload.SharedByName;
        var link = settings.Value.PublicAppUrl is { } app ? $"{app.ToString().TrimEnd('/')}/shared-with-me" : null;
        var notification = new
        {
            recipient = new { userId = payload.RecipientUserId },
            category = Category,
            subject = $"{who} shared {what} with you",
            body = $"{who} shared {what} with you on MedicalHub. Sign in to read it" + (link is null ? "." : $": {link}"),
            channels = new[] { "email" },
            organizationId = payload.RecipientOrganizationId,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.Value.CommunicationUrl, "/api/notifications"))
        {
            Content = JsonContent.Create(notification, options: JsonSerializerOptions.Web),
        };
        request.Headers.Add("Idempotency-Key", message.MessageId.ToString());
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        await OutboxHttp.ThrowUnlessSuccessAsync(response, $"{message.Type} {message.MessageId}", cancellationToken, target: "Communication");
    }
}

/// <summary><c>MedicalHub:Content:Sharing</c>.</summary>
public sealed class SharingSettings
{
    public const string SectionName = "MedicalHub:Content:Sharing";

    /// <summary>Communication as reached inside the system (service discovery).</summary>
    public Uri CommunicationUrl { get; set; } = new("http://communication");

    /// <summary>The web app's public address, for the link in share notifications (none when unset).</summary>
    public Uri? PublicAppUrl { get; set; }

    /// <summary>The longest a share link may live.</summary>
    public TimeSpan MaxLinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Wrong access codes after which a link closes for good.</summary>
    public int MaxCodeAttempts { get; set; } = 5;
}
