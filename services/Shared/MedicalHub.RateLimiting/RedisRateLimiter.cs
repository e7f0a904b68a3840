using System.Globalization;
using StackExchange.Redis;

namespace MedicalHub.RateLimiting;

/// <summary>
/// Sliding-window rate limits counted in Redis, so that every replica of a service counts against the same numbers.
/// Each counter is a log of the times of the requests it let through (a sorted set, at most its limit long): a request
/// is let through when every counter has fewer than its limit within the last window, and then it is logged in each;
/// a refused request is logged nowhere, so retrying while refused does not push the moment it works further away.
/// <see cref="RateLimitDecision.RetryAfter"/> is exactly when enough logged requests have left the window. One round
/// trip: one Lua script checks and records every counter atomically, on Redis's clock (the replicas' clocks may differ).
/// See docs/architecture.md ("One rate limiter") for why this and not a library.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis)
{
    /// <summary>The suffix of the key that marks a counter's first refusal within its window.</summary>
    public const string RefusalMarkerSuffix = ":refused";

    // KEYS: per counter, its log and its refusal marker. ARGV[1]: this request's unique member; then per counter, its
    // limit and its window in milliseconds. Answers: allowed (1/0), then per counter: the requests in its window before
    // this one, the microseconds until it lets one through (0 when it does), and whether this is its first refusal.
    private const string Script = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
        local counters = #KEYS / 2
        local counts, waits = {}, {}
        local allowed = true
        for i = 1, counters do
          local log = KEYS[2 * i - 1]
          local limit = tonumber(ARGV[2 * i])
          local window = tonumber(ARGV[2 * i + 1]) * 1000
          redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
          local count = redis.call('ZCARD', log)
          counts[i] = count
          waits[i] = 0
          if count >= limit then
            allowed = false
            -- Through again once the logged requests up to this one have left the window: then fewer than the limit remain.
            local leaving = redis.call('ZRANGE', log, count - limit, count - limit, 'WITHSCORES')
            waits[i] = tonumber(leaving[2]) + window - now
          end
        end
        local result = { allowed and 1 or 0 }
        for i = 1, counters do
          local window = tonumber(ARGV[2 * i + 1])
          local first = 0
          if allowed then
            redis.call('ZADD', KEYS[2 * i - 1], now, ARGV[1])
            redis.call('PEXPIRE', KEYS[2 * i - 1], window)
          elseif waits[i] > 0 and redis.call('SET', KEYS[2 * i], 1, 'PX', window, 'NX') then
            first = 1
          end
          result[#result + 1] = counts[i]
          result[#result + 1] = waits[i]
          result[#result + 1] = first
        end
        return result
        """;

    public Task<RateLimitDecision> AcquireAsync(string key, RateLimit limit) => AcquireAsync([new RateLimitCounter(key, limit)]);

    /// <summary>Counts one request against every counter, or against none when any of them refuses it.</summary>
    public async Task<RateLimitDecision> AcquireAsync(IReadOnlyList<RateLimitCounter> counters)
    {
        ArgumentOutOfRangeException.ThrowIfZero(counters.Count);
        var keys = new RedisKey[counters.Count * 2];
        var values = new RedisValue[1 + counters.Count * 2];
        values[0] = Guid.NewGuid().ToString("N");
        for (var i = 0; i < counters.Count; i++)
        {
            var (key, limit) = counters[i];
            ArgumentOutOfRangeException.ThrowIfLessThan(limit.PermitLimit, 1, $"{key} permit limit");
            ArgumentOutOfRangeException.ThrowIfLessThan(limit.Window, TimeSpan.FromMilliseconds(1), $"{key} window");
            keys[2 * i] = key;
            keys[2 * i + 1] = key + RefusalMarkerSuffix;
            values[1 + 2 * i] = limit.PermitLimit;
            values[2 + 2 * i] = ((long)limit.Window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, values))!;
        var allowed = (long)result[0] == 1;
        RateLimitDecision? tightest = null;
        for (var i = 0; i < counters.Count; i++)
        {
            var before = (long)result[1 + 3 * i];
            var wait = TimeSpan.FromMicroseconds((long)result[2 + 3 * i]);
            var first = (long)result[3 + 3 * i] == 1;
            var limit = counters[i].Limit.PermitLimit;
            var counter = allowed
                ? new RateLimitDecision(true, limit, (int)Math.Max(0, limit - before - 1), TimeSpan.Zero, false)
                : new RateLimitDecision(false, limit, (int)Math.Max(0, limit - before), wait, first);
            tightest = Tighter(tightest, counter);
        }
        return tightest!;
    }

    /// <summary>
    /// What a request's answer reports: when refused, the refusing counter that frees last (a counter that did not
    /// refuse only waited on the others); when let through, the counter with the fewest requests left.
    /// </summary>
    private static RateLimitDecision Tighter(RateLimitDecision? current, RateLimitDecision candidate)
    {
        if (current is null)
        {
            return candidate;
        }
        if (!candidate.Allowed)
        {
            var refusing = candidate.RetryAfter > TimeSpan.Zero;
            var currentRefusing = current.RetryAfter > TimeSpan.Zero;
            return refusing && (!currentRefusing || candidate.RetryAfter > current.RetryAfter)
                ? candidate with { FirstRefusal = candidate.FirstRefusal || current.FirstRefusal }
                : current with { FirstRefusal = current.FirstRefusal || candidate.FirstRefusal };
        }
        return candidate.Remaining < current.Remaining ? candidate : current;
    }
}
