using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every MedicalHub service gets: telemetry, health, service discovery, resilient HTTP clients,
/// ProblemDetails for every error and an OpenAPI document.
/// </summary>
public static class Extensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddDefaultProblemDetails();
        builder.AddStorableTextRule();
        builder.AddDefaultOpenApi();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Maps what every service exposes besides its own API: health probes and, in Development, the API reference.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseDefaultProblemDetails();
        app.UseStorableTextRule();
        app.MapDefaultHealthChecks();
        app.MapDefaultOpenApi();
        return app;
    }
}
