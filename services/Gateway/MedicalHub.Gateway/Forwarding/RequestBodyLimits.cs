using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Model;

namespace MedicalHub.Gateway.Forwarding;

/// <summary>
/// Each route's <c>MaxRequestBodySize</c>: YARP enforces it while streaming; a declared
/// <c>Content-Length</c> over it is refused here at once with 413 ProblemDetails, before the body is read
/// or anything reaches the service.
/// </summary>
public static class RequestBodyLimits
{
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.MaxRequestBodySize;
        if (limit is > 0 && context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large.",
                    Detail = $"This endpoint accepts at most {limit} bytes.",
                },
            });
            return;
        }
        await next(context);
    });
}
