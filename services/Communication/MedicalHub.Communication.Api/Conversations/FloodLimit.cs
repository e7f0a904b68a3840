using MedicalHub.RateLimiting;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// Messages per user per window (<see cref="ConversationSettings.FloodLimit"/> per <see cref="ConversationSettings.FloodWindow"/>),
/// counted by the platform's one limiter in the service's Redis so every replica shares the count: a flood is refused
/// with 429 and how long until the user may send again.
/// </summary>
public sealed class FloodLimit(RedisRateLimiter limiter, IOptions<ConversationSettings> settings)
{
    /// <returns>Null when the user may send now, otherwise how long until they may.</returns>
    public async Task<TimeSpan?> TryAcquireAsync(Guid userId)
    {
        var s = settings.Value;
        var decision = await limiter.AcquireAsync($"communication:flood:{userId:N}", new RateLimit { PermitLimit = s.FloodLimit, Window = s.FloodWindow });
        return decision.Allowed ? null : decision.RetryAfter;
    }
}
