using System.Globalization;
using StackExchange.Redis;

namespace MedicalHub.Gateway.RateLimiting;

/// <summary>
/// Fixed-window counters in the gateway's Redis, so every replica counts against the same numbers. One
/// round trip per request: a Lua script increments each of the request's counters, starts its window on
/// the first hit and returns count and time left.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis)
{
    public sealed record Counter(string Key, RateLimitPolicy Policy);

    public sealed record Verdict(bool Allowed, int Limit, int Remaining, TimeSpan RetryAfter);

    private const string Script = """
        local result = {}
        for i, key in ipairs(KEYS) do
          local window = tonumber(ARGV[i])
          local count = redis.call('INCR', key)
          local ttl = redis.call('PTTL', key)
          if count == 1 or ttl < 0 then
            redis.call('PEXPIRE', key, window)
            ttl = window
          end
          result[#result + 1] = count
          result[#result + 1] = ttl
        end
        return result
        """;

    public async Task<Verdict> HitAsync(IReadOnlyList<Counter> counters)
    {
        var keys = counters.Select(c => (RedisKey)c.Key).ToArray();
        var windows = counters.Select(c => (RedisValue)((long)c.Policy.Window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).ToArray();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, windows))!;

        Verdict? tightest = null;
        for (var i = 0; i < counters.Count; i++)
        {
            var count = (long)result[2 * i];
            var ttl = TimeSpan.FromMilliseconds((long)result[2 * i + 1]);
            var limit = counters[i].Policy.PermitLimit;
            var verdict = new Verdict(count <= limit, limit, (int)Math.Max(0, limit - count), ttl);
            if (tightest is null || (!verdict.Allowed && tightest.Allowed) || (verdict.Allowed == tightest.Allowed && verdict.Remaining < tightest.Remaining))
            {
                tightest = verdict;
            }
        }
        return tightest ?? new Verdict(true, 0, 0, TimeSpan.Zero);
    }
}
