namespace MedicalHub.Communication.Api.Delivery;

/// <summary>
/// One rendered message for one channel and one address, handed to a provider. <see cref="AttemptId"/> is unique per
/// provider call and is sent as the provider's idempotency/reference field where it has one.
/// </summary>
public sealed record OutboundMessage(
    Guid NotificationId,
    Guid AttemptId,
    Guid OrganizationId,
    Channel Channel,
    string To,
    string? Subject,
    string? TextBody,
    string? HtmlBody,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Data);
