using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// The OpenAPI description of an upload's body, which the handler reads itself (streaming) rather than through binding:
/// a multipart form with the fields and the file, or the raw bytes with the fields in the query string.
/// </summary>
public static class UploadOpenApi
{
    public static RouteHandlerBuilder AcceptsUpload(this RouteHandlerBuilder endpoint) => endpoint
        .Produces(StatusCodes.Status413PayloadTooLarge).Produces(StatusCodes.Status415UnsupportedMediaType)
        .Produces(StatusCodes.Status422UnprocessableEntity)
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var text = new OpenApiSchema { Type = JsonSchemaType.String };
            var category = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. DocumentCategories.All.Order(StringComparer.Ordinal).Select(c => (JsonNode)c)] };
            var form = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["title"] = text,
                    ["category"] = category,
                    ["patientId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                    ["fileName"] = text,
                    ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The last part; its Content-Type is checked against the bytes." },
                },
                Required = new HashSet<string> { "file" },
            };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "multipart/form-data, or the file's bytes as the body (any Content-Type; title, category, patientId and fileName in the query).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["multipart/form-data"] = new() { Schema = form },
                    ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                },
            };
            foreach (var (name, description) in new[] { ("title", "raw uploads"), ("category", "raw uploads"), ("patientId", "raw uploads"), ("fileName", "raw uploads") })
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Query, Description = $"For {description}.", Schema = text });
            }
            return Task.CompletedTask;
        });
}
