using MedicalHub.RateLimiting;

namespace MedicalHub.Gateway.RateLimiting;

/// <summary>
/// The limits (section <c>MedicalHub:Gateway:RateLimits</c>). A route names its anonymous policy in its
/// metadata (<c>"RateLimit": "Token"</c>); without one it gets <see cref="Anonymous"/> per client IP, or,
/// with a valid token, <see cref="User"/> per <c>sub</c> and <see cref="Organization"/> per <c>org_id</c>.
/// </summary>
public sealed class RateLimitSettings
{
    public const string SectionName = "MedicalHub:Gateway:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Per client IP, for calls without a valid token.</summary>
    public RateLimit Anonymous { get; set; } = new() { PermitLimit = 300 };

    /// <summary>
    /// Per client IP, on the token endpoint, whatever the grant: a coarse first line (a practice's users may
    /// share one address). Identity itself counts password grants per address much tighter.
    /// </summary>
    public RateLimit Token { get; set; } = new() { PermitLimit = 60 };

    /// <summary>Per client IP, on sign-up and password-reset endpoints (<c>/api/auth/*</c>).</summary>
    public RateLimit Auth { get; set; } = new() { PermitLimit = 30 };

    /// <summary>Per user (<c>sub</c>), for calls with a valid token.</summary>
    public RateLimit User { get; set; } = new() { PermitLimit = 600 };

    /// <summary>Per organization (<c>org_id</c>), for calls with a valid token: all of a practice's users together.</summary>
    public RateLimit Organization { get; set; } = new() { PermitLimit = 3000 };

    /// <summary>The per-IP policy a route names in its <c>RateLimit</c> metadata, or null for the default behaviour.</summary>
    public RateLimit? Named(string? name) => name switch
    {
        null or "" or "Default" => null,
        nameof(Token) => Token,
        nameof(Auth) => Auth,
        nameof(Anonymous) => Anonymous,
        _ => throw new InvalidOperationException($"Unknown rate-limit policy '{name}' in the route table."),
    };

    public static readonly string[] RouteNames = ["Default", nameof(Token), nameof(Auth), nameof(Anonymous)];
}
