namespace MedicalHub.RateLimiting;

/// <summary>At most <see cref="PermitLimit"/> requests in any <see cref="Window"/> (a sliding window, not a fixed one).</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>One thing a request counts against: a key (client address, user, organization, provider…) and its limit.</summary>
public readonly record struct RateLimitCounter(string Key, RateLimit Limit);

/// <summary>
/// The answer for a request. Let through: <see cref="Limit"/> and <see cref="Remaining"/> of its tightest counter.
/// Refused: nothing was counted; <see cref="RetryAfter"/> is when the counter that refused it lets a request through
/// again, and <see cref="FirstRefusal"/> says this is that counter's first refusal within its window (something to
/// record once rather than for every refused request).
/// </summary>
public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, TimeSpan RetryAfter, bool FirstRefusal)
{
    /// <summary>The <c>Retry-After</c> header's whole seconds, rounded up, at least 1.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
