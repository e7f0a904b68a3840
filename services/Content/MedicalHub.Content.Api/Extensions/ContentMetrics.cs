using System.Diagnostics.Metrics;

namespace MedicalHub.Content.Api.Extensions;

/// <summary>Content's own metrics (meter <c>MedicalHub.Content.Api</c>, exported with the service defaults' OTLP metrics).</summary>
public static class ContentMetrics
{
    public const string MeterName = "MedicalHub.Content.Api";

    private static readonly Meter Meter = new(MeterName);

    /// <summary><c>medicalhub.content.phi_access.records</c>: PHI access records appended, by <c>action</c>.</summary>
    public static readonly Counter<long> PhiAccessRecords = Meter.CreateCounter<long>("medicalhub.content.phi_access.records", "{record}",
        "PHI access records appended to the organizations' chains");

    /// <summary><c>medicalhub.content.patients.changes</c>: patient records created, updated or merged, by <c>change</c>.</summary>
    public static readonly Counter<long> PatientChanges = Meter.CreateCounter<long>("medicalhub.content.patients.changes", "{change}",
        "Patient records created, updated or merged");

    public static IHostApplicationBuilder AddContentMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(MeterName));
        return builder;
    }
}
