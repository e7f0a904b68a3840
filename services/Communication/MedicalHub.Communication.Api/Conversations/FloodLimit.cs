using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// Messages per user per window (<see cref="ConversationSettings.FloodLimit"/> per <see cref="ConversationSettings.FloodWindow"/>),
/// counted in the service's Redis so every replica shares the count: a flood is refused with 429, the window's end as
/// <c>Retry-After</c>.
/// </summary>
public sealed class FloodLimit(IConnectionMultiplexer redis, IOptions<ConversationSettings> settings, TimeProvider time)
{
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    /// <returns>Null when the user may send now, otherwise how long until they may.</returns>
    public async Task<TimeSpan?> TryAcquireAsync(Guid userId)
    {
        var s = settings.Value;
        var windowMs = (long)s.FloodWindow.TotalMilliseconds;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = nowMs / windowMs;
        var count = (long)await redis.GetDatabase().ScriptEvaluateAsync(Script,
            [(RedisKey)$"communication:flood:{userId:N}:{window}"], [windowMs * 2]);
        return count <= s.FloodLimit ? null : TimeSpan.FromMilliseconds((window + 1) * windowMs - nowMs);
    }
}
