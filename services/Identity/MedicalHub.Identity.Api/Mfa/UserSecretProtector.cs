using System.Security.Cryptography;
using System.Text;
using MedicalHub.Identity.Api.Tokens;
using Microsoft.Extensions.Options;

namespace MedicalHub.Identity.Api.Mfa;

/// <summary>
/// Encrypts a user's second-factor secrets (the TOTP key, the recovery codes) before they are stored:
/// AES-256-GCM under a key derived (HKDF) from the same key-encryption secret that protects the token
/// server's keys, with the user and the secret's name as associated data, so a copy of the database alone
/// reveals no authenticator key and a value moved to another user's row fails to decrypt.
/// </summary>
public sealed class UserSecretProtector(IOptions<TokenServerSettings> settings)
{
    /// <summary>Marks a protected value; the stored values it replaces (base32 keys, <c>;</c>-separated codes) never contain a colon.</summary>
    public const string Prefix = "enc1:";

    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Lazy<byte[]> _key = new(() => DeriveKey(settings.Value.KeyEncryptionKey));

    public string Protect(string plaintext, string userId, string name)
    {
        var input = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + input.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_key.Value, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), input, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AssociatedData(userId, name));
        return Prefix + Convert.ToBase64String(output);
    }

    /// <summary>The plaintext; a value stored before encryption was introduced (no prefix) is returned as it is.</summary>
    public string Unprotect(string stored, string userId, string name)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return stored;
        }
        var input = Convert.FromBase64String(stored[Prefix.Length..]);
        var plaintext = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key.Value, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plaintext, AssociatedData(userId, name));
        return Encoding.UTF8.GetString(plaintext);
    }

    private static byte[] AssociatedData(string userId, string name) => Encoding.UTF8.GetBytes($"{userId}\u001f{name}");

    private static byte[] DeriveKey(string? secret) =>
        secret is { Length: >= 16 }
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, SHA256.HashData(Encoding.UTF8.GetBytes(secret)), 32, info: Encoding.UTF8.GetBytes("medicalhub:identity:user-secrets"))
            : throw new InvalidOperationException(
                $"{TokenServerSettings.SectionName}:KeyEncryptionKey is not set (at least 16 characters): second-factor secrets cannot be protected.");
}
