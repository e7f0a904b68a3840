using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

public static class OpenApiExtensions
{
    public static TBuilder AddDefaultOpenApi<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenApi(options => options.AddSchemaTransformer(DescribeStringsAsStrings));
        return builder;
    }

    /// <summary>The OpenAPI document is always served (integrators and the gateway read it); the Scalar UI only in Development.</summary>
    public static WebApplication MapDefaultOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }
        return app;
    }

    /// <summary>
    /// The storable-text rule reads every JSON string through a converter of its own (<see cref="StorableTextExtensions"/>),
    /// and the schema exporter describes a type with a custom converter as "anything" (<c>{}</c>): strings would lose
    /// their type in the document, and clients generated from it (the web app's types) would see <c>unknown</c>. The
    /// converter reads and writes plain JSON strings, so they are described as such again: <c>string</c>, with
    /// <c>null</c> where the property is nullable, also as array items and dictionary values.
    /// </summary>
    private static Task DescribeStringsAsStrings(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(string) && schema.Type is null)
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Enumerable && context.JsonTypeInfo.ElementType == typeof(string) && IsUntyped(schema.Items))
        {
            schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
        }
        else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Dictionary && context.JsonTypeInfo.ElementType == typeof(string) && IsUntyped(schema.AdditionalProperties))
        {
            schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String };
        }
        return Task.CompletedTask;
    }

    private static bool IsUntyped(IOpenApiSchema? schema) => schema is null || (schema is OpenApiSchema { Type: null } plain && plain.Properties is null or { Count: 0 } && plain.Items is null);
}
