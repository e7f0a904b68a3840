using System.Text;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.Fhir;

/// <summary>
/// Under <c>/fhir</c>, an error the platform answers before a FHIR handler runs (text that cannot be stored, a malformed
/// request, an unexpected failure) is an OperationOutcome like every other FHIR refusal, not ProblemDetails.
/// </summary>
public sealed class FhirProblemWriter : IProblemDetailsWriter
{
    public const string BasePath = "/fhir";
    private static readonly FhirJsonSerializer Serializer = new();

    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.Path.StartsWithSegments(BasePath, StringComparison.OrdinalIgnoreCase);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        var status = context.ProblemDetails.Status ?? response.StatusCode;
        var diagnostics = string.Join(" ", new[] { context.ProblemDetails.Title, context.ProblemDetails.Detail }.Where(t => !string.IsNullOrWhiteSpace(t)));
        var outcome = FhirOutcomes.For(status, diagnostics.Length > 0 ? diagnostics : $"HTTP {status}.");
        response.StatusCode = status;
        response.ContentType = "application/fhir+json; charset=utf-8";
        await response.WriteAsync(Serializer.SerializeToString(outcome), Encoding.UTF8, context.HttpContext.RequestAborted);
    }
}

public static class FhirProblemWriterExtensions
{
    /// <summary>Errors under <c>/fhir</c> become OperationOutcomes; ahead of the default writer, which takes every request that accepts JSON.</summary>
    public static IServiceCollection AddFhirProblemWriter(this IServiceCollection services)
    {
        if (!services.Any(d => d.ImplementationType == typeof(FhirProblemWriter)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirProblemWriter>());
        }
        return services;
    }
}
