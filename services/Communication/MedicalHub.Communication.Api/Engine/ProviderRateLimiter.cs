using MedicalHub.Communication.Api.Routing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MedicalHub.Communication.Api.Engine;

/// <summary>
/// Calls per second per provider, counted in the service's Redis so every replica shares the budget (a fixed
/// one-second window: simple, and a provider's own limits are per second or coarser).
/// </summary>
public sealed class ProviderRateLimiter(IConnectionMultiplexer redis, IOptions<CommunicationSettings> settings, TimeProvider time)
{
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
        return n
        """;

    /// <returns>Null when the call may go now, otherwise how long to wait for the next window.</returns>
    public async Task<TimeSpan?> TryAcquireAsync(string provider)
    {
        var limit = settings.Value.Providers.GetValueOrDefault(provider)?.RateLimitPerSecond ?? 0;
        if (limit <= 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var count = (long)await redis.GetDatabase().ScriptEvaluateAsync(Script, [(RedisKey)$"communication:rate:{provider}:{second}"]);
        if (count <= limit)
        {
            return null;
        }
        return DateTimeOffset.FromUnixTimeSeconds(second + 1) - now + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 200));
    }
}
