namespace MedicalHub.Communication.Api.Delivery;

/// <summary>
/// A configured outbound provider (an SMTP server, a SendGrid account, a Twilio account...). Providers never throw for
/// a provider-side failure: they classify it in the <see cref="DeliveryResult"/> so the engine can retry or fail over.
/// </summary>
public interface IDeliveryProvider
{
    /// <summary>The configured name (the key under <c>MedicalHub:Communication:Providers</c>), unique.</summary>
    string Name { get; }

    Channel Channel { get; }

    Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}
