using System.Security.Cryptography;
using System.Text;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>The secrets of share links: tokens (shown once, kept as a hash) and access codes (kept as a salted, slow hash).</summary>
public static class ShareLinkSecrets
{
    private const int Pbkdf2Iterations = 100_000;

    /// <summary>A new token: 32 random bytes, base64url (43 characters).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static (byte[] Hash, byte[] Salt) HashCode(string code)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (Pbkdf2(code, salt), salt);
    }

    public static bool CodeMatches(string code, byte[] hash, byte[] salt) => CryptographicOperations.FixedTimeEquals(Pbkdf2(code, salt), hash);

    private static byte[] Pbkdf2(string code, byte[] salt) => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), salt, Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
