namespace MedicalHub.Communication.Api.Delivery;

public enum ProviderStatus
{
    Delivered,
    Bounced,
    Failed,
}

/// <summary>A delivery report from a provider's webhook, already signature-checked and translated.</summary>
public sealed record ProviderStatusEvent(string Provider, string ProviderMessageId, ProviderStatus Status, DateTimeOffset OccurredAt, string? Detail);

/// <summary>Where webhooks hand their events; the delivery engine implements it.</summary>
public interface IDeliveryStatusSink
{
    /// <returns>False when no attempt with this provider message id is known (the webhook still answers 2xx).</returns>
    Task<bool> RecordAsync(ProviderStatusEvent statusEvent, CancellationToken cancellationToken);
}
