using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.Content.Api.Fhir;

/// <summary>An answer of the FHIR endpoint: a resource (or an OperationOutcome) as <c>application/fhir+json</c>, with its status and headers.</summary>
public sealed class FhirResult(int status, Resource body) : IResult
{
    public int Status { get; } = status;

    public Resource Body { get; } = body;

    public string? ETag { get; init; }

    public string? Location { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    /// <summary>What answers instead of <see cref="Body"/> as JSON: a Binary's bytes (which <see cref="Body"/> describes).</summary>
    private IResult? Content { get; init; }

    /// <summary>
    /// <paramref name="content"/> answers (the bytes of <paramref name="described"/>, or the resource streamed as it is read);
    /// <paramref name="described"/> is what they are, for the handler's callers.
    /// </summary>
    public static FhirResult Streamed(Binary described, IResult content) => new(StatusCodes.Status200OK, described) { Content = content };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        if (Content is not null)
        {
            await Content.ExecuteAsync(httpContext);
            return;
        }
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = FhirRequest.FhirJson + "; charset=utf-8";
        if (ETag is not null)
        {
            response.Headers.ETag = ETag;
        }
        if (Location is not null)
        {
            response.Headers.Location = Location;
        }
        if (LastModified is { } modified)
        {
            response.Headers.LastModified = modified.ToString("R", CultureInfo.InvariantCulture);
        }
        await response.WriteAsync(FhirJsonFormat.Serialize(Body), Encoding.UTF8, httpContext.RequestAborted);
    }

    /// <summary>A resource with its version: ETag, Last-Modified, and (when created) its Location.</summary>
    public static FhirResult Resource(int status, Resource resource, string? baseUrl = null) => new(status, resource)
    {
        ETag = resource.Meta?.VersionId is { } version ? $"W/\"{version}\"" : null,
        LastModified = resource.Meta?.LastUpdated,
        Location = status == StatusCodes.Status201Created && baseUrl is not null
            ? $"{baseUrl}/{resource.TypeName}/{resource.Id}/_history/{resource.Meta?.VersionId}"
            : null,
    };

    public static FhirResult Outcome(int status, OperationOutcome.IssueType code, string diagnostics, IEnumerable<string>? expression = null)
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = status >= 500 ? OperationOutcome.IssueSeverity.Fatal : OperationOutcome.IssueSeverity.Error,
            Code = code,
            Diagnostics = diagnostics,
            Expression = expression?.ToList() ?? [],
        });
        return new FhirResult(status, outcome);
    }

    /// <summary>One issue per invalid field (<paramref name="errors"/>: FHIR path → messages).</summary>
    public static FhirResult Invalid(IReadOnlyDictionary<string, string[]> errors)
    {
        var outcome = new OperationOutcome();
        foreach (var (path, messages) in errors)
        {
            foreach (var message in messages)
            {
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = OperationOutcome.IssueType.Invalid,
                    Diagnostics = message,
                    Expression = [path],
                });
            }
        }
        return new FhirResult(StatusCodes.Status400BadRequest, outcome);
    }

    public static FhirResult NotFound(FhirRequest request, string id) =>
        Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"{request.ResourceType}/{id} is not known.");

    public static FhirResult NotSupported(FhirRequest request, string interaction) =>
        Outcome(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported, $"{interaction} is not supported for {request.ResourceType}.");
}
