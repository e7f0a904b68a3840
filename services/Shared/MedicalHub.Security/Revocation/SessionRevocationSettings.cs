namespace MedicalHub.Security.Revocation;

/// <summary>How this service learns of ended sessions (<c>MedicalHub:Authentication:SessionRevocations</c>).</summary>
public sealed class SessionRevocationSettings
{
    public const string SectionName = "MedicalHub:Authentication:SessionRevocations";

    /// <summary>Off: tokens of ended sessions are accepted until they expire.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Identity's list of recent revocations, relative to <c>MedicalHub:Authentication:IdentityUrl</c>.</summary>
    public string Path { get; set; } = "/api/internal/session-revocations";

    /// <summary>
    /// About how often the list is read (each wait is jittered by ±25 %). One replica of the service reads Identity per
    /// interval; every replica reads its Redis each interval, so a revocation is enforced within about two intervals.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The sorted set (member: session id, score: refuse-until in Unix milliseconds) in this service's own Redis.</summary>
    public string RedisKey { get; set; } = "medicalhub:revoked-sessions";
}
