namespace MedicalHub.Identity.Api.Keys;

public sealed class TokenServerSettings
{
    public const string SectionName = "MedicalHub:Identity";

    /// <summary>The issuer URL put in tokens (the public URL). Unset: the URL of the request.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Secret from which the key that encrypts the stored token keys is derived (an AppHost parameter).</summary>
    public string? KeyEncryptionKey { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The audiences of a user's access token: every service validates that it is one of them.</summary>
    public string[] Audiences { get; set; } = ["identity", "content", "communication", "workflow"];
}
