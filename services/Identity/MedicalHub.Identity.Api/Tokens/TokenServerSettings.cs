namespace MedicalHub.Identity.Api.Tokens;

public sealed class TokenServerSettings
{
    public const string SectionName = "MedicalHub:Identity";

    /// <summary>The issuer URL put in tokens (the public URL). Unset: the URL of the request.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Secret from which the key that encrypts the stored token keys is derived (an AppHost parameter).</summary>
    public string? KeyEncryptionKey { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long after its exchange a rotated refresh token is still accepted (two tabs refreshing at once, an
    /// answer lost in flight). Presented later, it is a replay: the session ends and every token of it is revoked.
    /// </summary>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The audiences of a user's access token: every service validates that it is one of them.</summary>
    public string[] Audiences { get; set; } = ["identity", "content", "communication", "workflow"];
}
