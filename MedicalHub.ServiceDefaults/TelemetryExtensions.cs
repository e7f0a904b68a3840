using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static class TelemetryExtensions
{
    /// <summary>
    /// Logs, metrics and traces for ASP.NET Core, HttpClient and the runtime. Npgsql, EF Core and Redis
    /// instrumentation is added by their Aspire client integrations.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // The services' own meters (e.g. MedicalHub.Workflow).
                .AddMeter("MedicalHub.*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "MedicalHub.Outbox", "MedicalHub.Inbox", "MedicalHub.Data.Migrations", "MedicalHub.Workflow")
                .AddAspNetCoreInstrumentation(options =>
                    // Probes run every few seconds; tracing them only buries real requests.
                    options.Filter = context => !HealthCheckExtensions.IsProbePath(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }
}
