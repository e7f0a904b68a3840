using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.RateLimiting;

public static class RateLimitResponses
{
    public const string Title = "Too many requests";

    /// <summary>429 with <c>Retry-After</c> (whole seconds), never cached; the body is the caller's to write.</summary>
    public static void SetTooManyRequests(this HttpResponse response, RateLimitDecision decision)
    {
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>The refusal as a ProblemDetails (through the application's <see cref="IProblemDetailsService"/>), with <c>Retry-After</c>.</summary>
    public static ValueTask WriteTooManyRequestsAsync(this HttpContext http, RateLimitDecision decision, string detail)
    {
        http.Response.SetTooManyRequests(decision);
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = Title, Detail = detail },
        });
    }
}
