using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Yarp.ReverseProxy.Model;

namespace MedicalHub.Gateway.RateLimiting;

/// <summary>
/// Applies the limits to proxied routes (the gateway's own health and documentation pages are not
/// counted). Over the limit: 429 ProblemDetails with <c>Retry-After</c>. Every counted answer carries
/// <c>X-RateLimit-Limit</c> and <c>X-RateLimit-Remaining</c> of the tightest counter. If the gateway's
/// Redis does not answer, requests pass (logged): the services behind keep their own protections, and
/// a Redis outage must not take the whole API down.
/// </summary>
public sealed partial class RateLimitingMiddleware(
    RequestDelegate next, RedisRateLimiter limiter, IOptionsMonitor<RateLimitSettings> settings,
    IProblemDetailsService problemDetails, ILogger<RateLimitingMiddleware> logger)
{
    public const string PolicyMetadataKey = "RateLimit";

    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>();
        var current = settings.CurrentValue;
        if (route is null || !current.Enabled)
        {
            await next(context);
            return;
        }

        var counters = Counters(context, route, current);
        RedisRateLimiter.Verdict verdict;
        try
        {
            verdict = await limiter.HitAsync(counters);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, e);
            await next(context);
            return;
        }

        context.Response.Headers["X-RateLimit-Limit"] = verdict.Limit.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-RateLimit-Remaining"] = verdict.Remaining.ToString(CultureInfo.InvariantCulture);
        if (verdict.Allowed)
        {
            await next(context);
            return;
        }

        var retryAfter = (int)Math.Ceiling(Math.Max(1, verdict.RetryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"The limit of {verdict.Limit} requests is reached; try again in {retryAfter} s.",
            },
        });
    }

    private static List<RedisRateLimiter.Counter> Counters(HttpContext context, RouteModel route, RateLimitSettings settings)
    {
        var policyName = route.Config.Metadata?.GetValueOrDefault(PolicyMetadataKey);
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (settings.Named(policyName) is { } perIp)
        {
            return [new($"rl:{policyName}:ip:{ip}", perIp)];
        }

        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirstValue("sub") is { } sub)
        {
            var counters = new List<RedisRateLimiter.Counter> { new($"rl:user:{sub}", settings.User) };
            if (user.FindFirstValue("org_id") is { } organization)
            {
                counters.Add(new($"rl:org:{organization}", settings.Organization));
            }
            return counters;
        }
        return [new($"rl:Anonymous:ip:{ip}", settings.Anonymous)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway's Redis did not answer; the request passes without a rate-limit check.")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
