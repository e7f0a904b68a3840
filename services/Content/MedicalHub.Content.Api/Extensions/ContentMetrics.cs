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

    /// <summary><c>medicalhub.content.ingestion.jobs</c>: ingestion jobs ended, by <c>outcome</c> (indexed, failed, retried) and <c>extractor</c>.</summary>
    public static readonly Counter<long> IngestionJobs = Meter.CreateCounter<long>("medicalhub.content.ingestion.jobs", "{job}",
        "Ingestion jobs ended, by outcome and extractor");

    /// <summary><c>medicalhub.content.ingestion.duration</c>: how long a document took to process, by <c>extractor</c>.</summary>
    public static readonly Histogram<double> IngestionDuration = Meter.CreateHistogram<double>("medicalhub.content.ingestion.duration", "s",
        "Time to process one document version, by extractor");

    /// <summary><c>medicalhub.content.ingestion.documents</c>: documents by the <c>state</c> of their current version (all organizations; refreshed every 15 s).</summary>
    public static readonly ObservableGauge<int> IngestionDocuments = Meter.CreateObservableGauge("medicalhub.content.ingestion.documents",
        Ingestion.IngestionDocumentCounts.Observe, "{document}", "Documents by ingestion state of their current version");

    public static IHostApplicationBuilder AddContentMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(MeterName));
        return builder;
    }
}
