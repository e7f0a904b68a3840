using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.Workflow.Api.Fhir;

/// <summary>
/// A FHIR R4 answer: the resource as <c>application/fhir+json</c> (Firely's serializer), with Location and ETag
/// (<c>W/"&lt;version&gt;"</c>) when given; failures are <see cref="OperationOutcome"/>s.
/// </summary>
public sealed class FhirResponse(Resource resource, int status = StatusCodes.Status200OK, string? location = null, string? versionId = null)
    : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public const string MediaType = "application/fhir+json";
    private static readonly FhirJsonSerializer Serializer = new();

    public int? StatusCode => status;

    public Resource Resource => resource;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = $"{MediaType}; charset=utf-8";
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }
        if (versionId is not null)
        {
            httpContext.Response.Headers.ETag = $"W/\"{versionId}\"";
        }
        if (resource.Meta?.LastUpdated is { } updated)
        {
            httpContext.Response.Headers[HeaderNames.LastModified] = updated.ToString("R");
        }
        await httpContext.Response.WriteAsync(Serializer.SerializeToString(resource), Encoding.UTF8, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [MediaType]));

    public static FhirResponse Outcome(int status, OperationOutcome.IssueType code, string diagnostics, params string[] expressions) =>
        new(OperationOutcomeOf(OperationOutcome.IssueSeverity.Error, code, diagnostics, expressions), status);

    public static FhirResponse NotFound(string type, string id) =>
        Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"{type}/{id} is not known to this server (or not of your organization).");

    public static FhirResponse Forbidden(string diagnostics) => Outcome(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, diagnostics);

    public static OperationOutcome OperationOutcomeOf(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string diagnostics, params string[] expressions)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics };
        foreach (var expression in expressions)
        {
            issue.ExpressionElement.Add(new FhirString(expression));
        }
        return new OperationOutcome { Issue = [issue] };
    }
}

/// <summary>Reads a FHIR JSON resource from a request body with Firely's deserializer; what cannot be read is an OperationOutcome (400).</summary>
public static class FhirRequests
{
    public const int MaxBodyLength = 1_048_576;

    public static async Task<(T? Resource, FhirResponse? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : Resource
    {
        if (request.ContentLength is > MaxBodyLength)
        {
            return (null, FhirResponse.Outcome(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooCostly, $"A resource is at most {MaxBodyLength} bytes."));
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var json = await reader.ReadToEndAsync(ct);
        if (json.Length > MaxBodyLength)
        {
            return (null, FhirResponse.Outcome(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooCostly, $"A resource is at most {MaxBodyLength} bytes."));
        }
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Required, $"Send a {typeof(T).Name} as application/fhir+json."));
        }
        try
        {
            var resource = new FhirJsonDeserializer().Deserialize<Resource>(json);
            return resource is T typed
                ? (typed, null)
                : (null, FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid,
                    $"Expected a {typeof(T).Name}, got a {resource?.TypeName ?? "nothing"}.", "resourceType"));
        }
        catch (DeserializationFailedException ex)
        {
            var outcome = new OperationOutcome();
            foreach (var error in ex.Exceptions.Take(20))
            {
                var issue = new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Structure, Diagnostics = error.Message };
                outcome.Issue.Add(issue);
            }
            if (outcome.Issue.Count == 0)
            {
                outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Structure, Diagnostics = ex.Message });
            }
            return (null, new FhirResponse(outcome, StatusCodes.Status400BadRequest));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return (null, FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Structure, $"Not a FHIR JSON resource: {ex.Message}"));
        }
    }
}
