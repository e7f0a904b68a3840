using System.Diagnostics;

namespace MedicalHub.Data.Outbox;

public static class OutboxTelemetry
{
    /// <summary>Traces of deliveries, each a child of the request that wrote the message.</summary>
    public const string SourceName = "MedicalHub.Outbox";

    internal static readonly ActivitySource ActivitySource = new(SourceName);
}
