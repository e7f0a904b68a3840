using System.Diagnostics;

namespace MedicalHub.Communication.Api.Engine;

internal static class DeliveryTelemetry
{
    /// <summary>Named after the service, so the service defaults already export it.</summary>
    public static readonly ActivitySource ActivitySource = new("MedicalHub.Communication.Api");
}
