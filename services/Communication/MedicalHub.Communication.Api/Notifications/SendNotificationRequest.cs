using System.Text.Json;

namespace MedicalHub.Communication.Api.Notifications;

/// <summary>
/// A notification to send: to whom, about what, with which content (a template and its data, or a subject and body),
/// on which channels (default: every channel the recipient has an address for), when (default: now).
/// </summary>
/// <param name="OrganizationId">Only for service callers, which act for an organization; a user's token already names theirs.</param>
/// <param name="IdempotencyKey">Or the <c>Idempotency-Key</c> header: the same key never creates a second notification.</param>
public sealed record SendNotificationRequest(
    NotificationRecipient? Recipient,
    string? Category,
    string? Template,
    JsonElement? Data,
    string? Subject,
    string? Body,
    string? HtmlBody,
    string[]? Channels,
    DateTimeOffset? SendAt,
    string? IdempotencyKey,
    Guid? OrganizationId);

/// <param name="UserId">The MedicalHub user it is for (preferences and quiet hours apply).</param>
/// <param name="Locale">Picks the template variant (<c>fr-BE</c>, then <c>fr</c>, then the default).</param>
/// <param name="TimeZone">IANA time zone, for quiet hours.</param>
public sealed record NotificationRecipient(Guid? UserId, string? Email, string? Phone, string? DeviceToken, string? Locale, string? TimeZone);

public sealed record NotificationAccepted(Guid Id, string Status);
