namespace MedicalHub.Identity.Api.Tokens.SigningKeys;

/// <summary>
/// A key of the token server, kept so that tokens issued before a restart still validate after it and
/// every replica signs with the same key. The key material is encrypted with the key-encryption key
/// from configuration, so a copy of the database alone does not let anyone mint tokens.
/// </summary>
public sealed class SigningKey
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>"sig" (ECDSA P-256 since ES256, RSA before: signs tokens, published in the JWKS) or "enc" (AES, encrypts codes and refresh tokens).</summary>
    public required string Use { get; init; }

    public required string KeyId { get; init; }

    /// <summary>AES-GCM: 12-byte nonce, 16-byte tag, then the encrypted key (PKCS#8 for ECDSA and RSA, raw for AES).</summary>
    public required byte[] ProtectedKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>After this a signing key only verifies (stays in the JWKS); a newer key signs.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
