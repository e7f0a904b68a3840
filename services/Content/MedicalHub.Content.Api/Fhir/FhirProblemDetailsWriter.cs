using System.Text;
using Hl7.Fhir.Model;

namespace MedicalHub.Content.Api.Fhir;

/// <summary>
/// Under <c>/fhir</c>, an error the platform answers before (or around) a FHIR handler — a query with a NUL refused by the
/// storable-text rule, 401/403 from authorization, an unexpected 500 — is written as the OperationOutcome a FHIR client
/// expects instead of ProblemDetails: same status, the title and detail as its diagnostics.
/// </summary>
public sealed class FhirProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments("/fhir");

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        var code = status switch
        {
            StatusCodes.Status401Unauthorized => OperationOutcome.IssueType.Login,
            StatusCodes.Status403Forbidden => OperationOutcome.IssueType.Forbidden,
            StatusCodes.Status404NotFound => OperationOutcome.IssueType.NotFound,
            StatusCodes.Status405MethodNotAllowed or StatusCodes.Status406NotAcceptable or StatusCodes.Status415UnsupportedMediaType => OperationOutcome.IssueType.NotSupported,
            StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed => OperationOutcome.IssueType.Conflict,
            StatusCodes.Status413PayloadTooLarge => OperationOutcome.IssueType.TooLong,
            StatusCodes.Status422UnprocessableEntity => OperationOutcome.IssueType.BusinessRule,
            StatusCodes.Status429TooManyRequests => OperationOutcome.IssueType.Throttled,
            >= 500 => OperationOutcome.IssueType.Exception,
            _ => OperationOutcome.IssueType.Invalid,
        };
        var diagnostics = string.Join(" ", new[] { context.ProblemDetails.Title, context.ProblemDetails.Detail }.Where(t => !string.IsNullOrWhiteSpace(t)));
        var outcome = FhirResult.Outcome(status, code, diagnostics.Length > 0 ? diagnostics : $"HTTP {status}.");
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        response.ContentType = FhirRequest.FhirJson + "; charset=utf-8";
        await response.WriteAsync(FhirJsonFormat.Serialize(outcome.Body), Encoding.UTF8, context.HttpContext.RequestAborted);
    }
}
