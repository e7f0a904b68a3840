namespace MedicalHub.Security.Authentication;

/// <summary>Where a service's callers' tokens come from (<c>MedicalHub:Authentication</c>).</summary>
public sealed class AuthenticationSettings
{
    public const string SectionName = "MedicalHub:Authentication";

    /// <summary>
    /// The issuer every accepted token must name, exactly as Identity writes it. The AppHost passes it to every service;
    /// it is the public URL tokens are obtained through (Identity's own URL, or the gateway's), so it is never used to
    /// reach Identity.
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>Identity as reached inside the system, resolved by service discovery; keys and service tokens are fetched here.</summary>
    public Uri IdentityUrl { get; set; } = new("http://identity");

    /// <summary>Identity's JSON Web Key Set, relative to <see cref="IdentityUrl"/>.</summary>
    public string JwksPath { get; set; } = "/.well-known/jwks";

    /// <summary>How often the signing keys are re-read even when every token's key is known.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The shortest pause between two reads forced by a token signed with an unknown key (a rotation).</summary>
    public TimeSpan MinimumKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tolerated clock difference between Identity and this service when checking lifetimes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
