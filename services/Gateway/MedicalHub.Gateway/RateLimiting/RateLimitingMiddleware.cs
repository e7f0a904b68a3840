using System.Globalization;
using System.Security.Claims;
using MedicalHub.RateLimiting;
using MedicalHub.Security.Claims;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Yarp.ReverseProxy.Model;

namespace MedicalHub.Gateway.RateLimiting;

/// <summary>
/// Applies the limits to proxied routes (the gateway's own health and documentation pages are not counted), with the
/// shared sliding-window <see cref="RedisRateLimiter"/> in the gateway's Redis, so every gateway replica counts against
/// the same numbers. Over the limit: 429 ProblemDetails with <c>Retry-After</c>. Every counted answer carries
/// <c>X-RateLimit-Limit</c> and <c>X-RateLimit-Remaining</c> of the tightest counter. If the gateway's Redis does not
/// answer, requests pass (logged): the services behind keep their own protections, and a Redis outage must not take the
/// whole API down.
/// </summary>
public sealed partial class RateLimitingMiddleware(
    RequestDelegate next, RedisRateLimiter limiter, IOptionsMonitor<RateLimitSettings> settings, ILogger<RateLimitingMiddleware> logger)
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

        RateLimitDecision decision;
        try
        {
            decision = await limiter.AcquireAsync(Counters(context, route, current));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, e);
            await next(context);
            return;
        }

        context.Response.Headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed)
        {
            await next(context);
            return;
        }
        await context.WriteTooManyRequestsAsync(decision,
            $"The limit of {decision.Limit} requests is reached; try again in {decision.RetryAfterSeconds} s.");
    }

    private static List<RateLimitCounter> Counters(HttpContext context, RouteModel route, RateLimitSettings settings)
    {
        var policyName = route.Config.Metadata?.GetValueOrDefault(PolicyMetadataKey);
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (settings.Named(policyName) is { } perIp)
        {
            return [new($"rl:{policyName}:ip:{ip}", perIp)];
        }

        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimNames.Subject) is { } sub)
        {
            var counters = new List<RateLimitCounter> { new($"rl:user:{sub}", settings.User) };
            if (user.FindFirstValue(ClaimNames.Organization) is { } organization)
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
