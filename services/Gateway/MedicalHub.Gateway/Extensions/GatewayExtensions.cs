using System.Net;
using MedicalHub.Gateway.ApiReference;
using MedicalHub.Gateway.Fhir;
using MedicalHub.Gateway.Authentication;
using MedicalHub.Gateway.Forwarding;
using MedicalHub.Gateway.RateLimiting;
using MedicalHub.Gateway.Routing;
using MedicalHub.Gateway.WebApp;
using MedicalHub.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.Extensions;

public static class GatewayExtensions
{
    public const string CorsPolicyName = "gateway";

    /// <summary>The proxy (route table from configuration, destinations by service discovery), its Redis, token validation, CORS and rate limits.</summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(GatewaySettings.SectionName);
        builder.Services.Configure<GatewaySettings>(section);
        builder.Services.Configure<RateLimitSettings>(builder.Configuration.GetSection(RateLimitSettings.SectionName));
        var settings = section.Get<GatewaySettings>() ?? new GatewaySettings();

        // Every error the gateway writes names the request id the caller sees in X-Request-Id.
        builder.Services.PostConfigure<ProblemDetailsOptions>(options =>
        {
            var customize = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                customize?.Invoke(context);
                context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
            };
        });

        builder.AddRedisClient(GatewaySettings.RedisName);
        builder.Services.AddRedisRateLimiter();
        builder.AddGatewayAuthentication();
        builder.AddFhirBase();
        builder.AddApiReference();

        builder.Services.AddCors(options => options.AddPolicy(CorsPolicyName, policy => policy
            .WithOrigins(settings.Cors.Origins)
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders(RequestIds.HeaderName, "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "Location")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        // The client's address (per-IP limits, X-Forwarded-For to the services) comes from X-Forwarded-For
        // only when the connection is from a trusted proxy: loopback and the configured networks. Set from
        // scratch: ASPNETCORE_FORWARDEDHEADERS_ENABLED (Aspire sets it in deployments) would trust everyone.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
            options.KnownProxies.Add(IPAddress.IPv6Loopback);
            foreach (var network in settings.TrustedNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        builder.AddWebApp();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms<UserContextTransforms>()
            .AddTransforms<ApiReferenceExtensions.ServerRewrite>();
        return builder;
    }

    /// <summary>Order matters: the request id first (so every answer carries it), the web app's static files next (public, not counted), CORS before authentication (preflights carry no token), limits after authentication (they count per user) and before authorization.</summary>
    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        EnsureRouteTableIsSound(app.Services.GetRequiredService<IProxyConfigProvider>().GetConfig());

        app.UseForwardedHeaders();
        app.UseRequestIds();
        app.UseWebApp();
        app.UseDefaultProblemDetails();
        app.UseCors(CorsPolicyName);
        app.UseAuthentication();
        app.UseMiddleware<RateLimitingMiddleware>();
        app.UseRequestBodyLimits();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        app.MapDefaultHealthChecks();
        app.MapApiReference();
        app.MapFhirBase();
        app.MapReverseProxy();
        return app;
    }

    private static void EnsureRouteTableIsSound(IProxyConfig config)
    {
        var problems = RouteTable.Problems(config.Routes, config.Clusters);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The gateway's route table is not sound:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }
}
