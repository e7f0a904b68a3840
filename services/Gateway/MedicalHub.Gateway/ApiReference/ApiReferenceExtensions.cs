using System.Text.Json.Nodes;
using MedicalHub.Gateway.ServiceDocuments;
using Scalar.AspNetCore;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace MedicalHub.Gateway.ApiReference;

/// <summary>
/// One API reference for the whole platform: each service's OpenAPI document is proxied under
/// <c>/openapi/{service}/v1.json</c> (routes marked <c>"OpenApiDocument": "true"</c>), the gateway answers
/// <c>/openapi/v1.json</c> with the one document of the public API (<see cref="PublicApiDocument"/>), and the Scalar
/// page at <c>/scalar</c> shows that one first, then each service's own.
/// </summary>
public static class ApiReferenceExtensions
{
    public const string MetadataKey = "OpenApiDocument";

    public static IHostApplicationBuilder AddApiReference(this IHostApplicationBuilder builder) =>
        builder.AddMergedServiceDocument<PublicApiDocument>();

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapGet(PublicApiDocument.Path, async (HttpContext http, PublicApiDocument document, IProxyConfigProvider proxy) =>
        {
            var request = http.Request;
            var merged = await document.GetAsync(proxy.GetConfig(), $"{request.Scheme}://{request.Host}{request.PathBase}", http.RequestAborted);
            return Results.Text(merged.ToJsonString(), "application/json; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();

        var documents = app.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes
            .Where(r => r.Metadata?.GetValueOrDefault(MetadataKey) == "true" && r.Match.Path is not null)
            .OrderBy(r => r.ClusterId, StringComparer.Ordinal)
            .ToList();

        app.MapScalarApiReference(options =>
        {
            options.WithTitle("MedicalHub API");
            options.AddDocument("medicalhub", "MedicalHub (all services)", PublicApiDocument.Path, isDefault: true);
            foreach (var route in documents)
            {
                var service = route.ClusterId!;
                options.AddDocument(service, char.ToUpperInvariant(service[0]) + service[1..], route.Match.Path);
            }
        });
        return app;
    }

    /// <summary>A service's document names the service's own address as its server; through the gateway it must name the gateway, where callers reach the API.</summary>
    public sealed class ServerRewrite : ITransformProvider
    {
        public void ValidateRoute(TransformRouteValidationContext context) { }

        public void ValidateCluster(TransformClusterValidationContext context) { }

        public void Apply(TransformBuilderContext context)
        {
            if (context.Route.Metadata?.GetValueOrDefault(MetadataKey) != "true")
            {
                return;
            }
            context.AddResponseTransform(async transform =>
            {
                if (transform.ProxyResponse is not { IsSuccessStatusCode: true } response)
                {
                    return;
                }
                var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(transform.HttpContext.RequestAborted)) as JsonObject;
                if (document is null)
                {
                    return;
                }
                var request = transform.HttpContext.Request;
                document["servers"] = new JsonArray(new JsonObject { ["url"] = $"{request.Scheme}://{request.Host}{request.PathBase}" });
                transform.SuppressResponseBody = true;
                transform.HttpContext.Response.ContentLength = null;
                transform.HttpContext.Response.ContentType = "application/json; charset=utf-8";
                await transform.HttpContext.Response.WriteAsync(document.ToJsonString(), transform.HttpContext.RequestAborted);
            });
        }
    }
}
