using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

public static class ProblemDetailsExtensions
{
    /// <summary>
    /// Every error answer is RFC 9457 ProblemDetails carrying the trace id; malformed requests become 4xx
    /// with the framework's reason, and anything unexpected becomes a 500 that reveals no internals.
    /// </summary>
    public static TBuilder AddDefaultProblemDetails<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        return builder;
    }

    public static WebApplication UseDefaultProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// Malformed JSON, a body over the size limit or a missing required parameter surface as
    /// <see cref="BadHttpRequestException"/>; they are the caller's mistake, so they answer with its status code.
    /// </summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException badRequest)
            {
                return false;
            }

            logger.LogInformation("Rejected a bad request to {Path}: {Reason}", httpContext.Request.Path, badRequest.Message);
            httpContext.Response.StatusCode = badRequest.StatusCode;
            return await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = ProblemFor(badRequest),
            });
        }

        /// <summary>A JSON body refused at one field (a wrong type, text that cannot be stored) names that field under <c>errors</c>, as validation does.</summary>
        private static ProblemDetails ProblemFor(BadHttpRequestException badRequest)
        {
            if (badRequest.InnerException is JsonException { Path: { Length: > 1 } path } json && path.StartsWith("$.", StringComparison.Ordinal))
            {
                return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path[2..]] = [json.Message] })
                {
                    Status = badRequest.StatusCode,
                    Title = "The request is not valid.",
                    Detail = badRequest.Message,
                };
            }
            return new ProblemDetails { Status = badRequest.StatusCode, Title = "The request is not valid.", Detail = badRequest.Message };
        }
    }
}
