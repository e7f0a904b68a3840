using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Webhooks;

/// <summary>Stands in when no delivery engine is registered: logs each verified event and knows no attempt.</summary>
public sealed class LoggingDeliveryStatusSink(ILogger<LoggingDeliveryStatusSink> logger) : IDeliveryStatusSink
{
    public Task<bool> RecordAsync(ProviderStatusEvent statusEvent, CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "Provider {Provider} reported message {ProviderMessageId} {Status} at {OccurredAt}; no delivery engine records it",
            statusEvent.Provider, statusEvent.ProviderMessageId, statusEvent.Status, statusEvent.OccurredAt);
        return Task.FromResult(false);
    }
}
