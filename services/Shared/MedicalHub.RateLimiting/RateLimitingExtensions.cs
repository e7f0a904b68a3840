using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.RateLimiting;

public static class RateLimitingExtensions
{
    /// <summary>The <see cref="RedisRateLimiter"/>, counting in the service's own Redis (its registered <c>IConnectionMultiplexer</c>).</summary>
    public static IServiceCollection AddRedisRateLimiter(this IServiceCollection services)
    {
        services.TryAddSingleton<RedisRateLimiter>();
        return services;
    }
}
