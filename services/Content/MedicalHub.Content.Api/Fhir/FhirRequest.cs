using System.Globalization;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http.Features;

namespace MedicalHub.Content.Api.Fhir;

/// <summary>The request a <see cref="IFhirResourceHandler"/> answers: the HTTP context, its FHIR base URL, and the body as a resource.</summary>
public sealed class FhirRequest(HttpContext http, FhirResourceCapability capability)
{
    public const string FhirJson = "application/fhir+json";

    public HttpContext Http { get; } = http;

    public FhirResourceCapability Capability { get; } = capability;

    public string ResourceType => Capability.Type;

    /// <summary>The FHIR base the caller used (<c>{scheme}://{host}{pathBase}/fhir</c>): through the gateway, the gateway's.</summary>
    public string BaseUrl => $"{Http.Request.Scheme}://{Http.Request.Host}{Http.Request.PathBase}/fhir";

    /// <summary>The <c>If-Match</c> version (<c>W/"3"</c> → "3"), null when there is none; <see cref="FhirInputException"/> when it is not one ETag.</summary>
    public string? IfMatchVersion()
    {
        var values = Http.Request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return null;
        }
        var tag = values.Count == 1 ? values[0] ?? "" : "";
        var quoted = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
        return quoted.Length > 2 && quoted[0] == '"' && quoted[^1] == '"'
            ? quoted[1..^1]
            : throw new FhirInputException("If-Match must be one ETag, W/\"<versionId>\".");
    }

    /// <summary>The body's media type without parameters (<c>application/fhir+json</c>), null when there is none.</summary>
    public string? MediaType => Http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>
    /// The body as a <typeparamref name="T"/>: JSON (<c>application/fhir+json</c> or <c>application/json</c>), at most the
    /// capability's size (or <paramref name="maxBytes"/>), parsed strictly by the Firely SDK. Anything else is a
    /// <see cref="FhirInputException"/> (4xx).
    /// </summary>
    public async Task<T> ReadResourceAsync<T>(CancellationToken ct, long? maxBytes = null) where T : Resource =>
        ParseResource<T>(await ReadJsonBodyAsync(ct, maxBytes));

    /// <summary>The body as JSON text (<c>application/fhir+json</c> or <c>application/json</c>), at most the capability's size; 415 otherwise.</summary>
    public async Task<string> ReadJsonBodyAsync(CancellationToken ct, long? maxBytes = null)
    {
        if (MediaType is not (FhirJson or "application/json"))
        {
            throw new FhirInputException($"Send the resource as {FhirJson}.", StatusCodes.Status415UnsupportedMediaType);
        }
        return await ReadBodyAsync(maxBytes ?? Capability.MaxBodyBytes, ct);
    }

    /// <summary>The whole body as text, at most <paramref name="maxBytes"/> (413 beyond, as a <see cref="FhirInputException"/>).</summary>
    public async Task<string> ReadBodyAsync(long maxBytes, CancellationToken ct)
    {
        if (Http.Request.ContentLength > maxBytes)
        {
            throw new FhirInputException($"A {ResourceType} is at most {maxBytes} bytes here.", StatusCodes.Status413PayloadTooLarge);
        }
        if (Http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }
        try
        {
            using var reader = new StreamReader(Http.Request.Body);
            return await reader.ReadToEndAsync(ct);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new FhirInputException($"A {ResourceType} is at most {maxBytes} bytes here.", StatusCodes.Status413PayloadTooLarge);
        }
    }

    /// <summary><paramref name="json"/> as a <typeparamref name="T"/>, parsed strictly; <see cref="FhirInputException"/> (400) otherwise.</summary>
    public static T ParseResource<T>(string json) where T : Resource
    {
        Resource resource;
        try
        {
            resource = FhirJsonFormat.Deserializer.DeserializeResource(json);
        }
        catch (DeserializationFailedException failed)
        {
            throw new FhirInputException("The resource is not valid FHIR R4 JSON: " + string.Join(" ", failed.Exceptions.Take(10).Select(e => e.Message)));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FhirInputException("The resource is not valid FHIR R4 JSON: " + ex.Message);
        }
        return resource as T ?? throw new FhirInputException($"Expected a {typeof(T).Name}, got a {resource.TypeName}.");
    }
}

/// <summary>The caller's request cannot be used as it is: answered with an OperationOutcome and this status (400 unless said).</summary>
public sealed class FhirInputException(string message, int status = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>The Firely SDK's JSON (de)serializers, configured once: strict parsing, as a stock server would.</summary>
public static class FhirJsonFormat
{
    public static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    /// <summary>
    /// The resource as FHIR R4 JSON. The Firely SDK (6.x) models <c>Attachment.size</c> as R5's integer64 and so writes it as a
    /// JSON string; R4 says unsignedInt, a JSON number, which is what is written here.
    /// </summary>
    public static string Serialize(Base resource)
    {
        var json = resource.ToJson();
        if (!json.Contains("\"size\":\"", StringComparison.Ordinal))
        {
            return json;
        }
        var root = JsonNode.Parse(json)!;
        SizesAsNumbers(root);
        return root.ToJsonString();
    }

    private static void SizesAsNumbers(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject element:
                if (element["size"] is JsonValue size && size.TryGetValue<string>(out var text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    element["size"] = number;
                }
                foreach (var (_, child) in element.ToList())
                {
                    SizesAsNumbers(child);
                }
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    SizesAsNumbers(item);
                }
                break;
        }
    }
}
