using System.Security.Cryptography;
using System.Text;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace MedicalHub.Identity.Api.Tokens.SigningKeys;

/// <summary>
/// The token server's keys, kept in the service's database (encrypted) so that every replica signs with
/// the same key and tokens survive restarts. The first replica to need keys creates them, under an
/// advisory lock so that two replicas starting together do not create two.
/// Tokens are signed with ECDSA P-256 (ES256: a signature costs a tenth of an RSA-2048 one, and a grant signs two or
/// three tokens). A store that only has the RSA key of an older release gains an ES256 key, which signs from then
/// on; the RSA key stays loaded and published, so tokens it signed (refresh tokens live for days) still validate.
/// </summary>
public sealed class TokenKeyStore(IServiceScopeFactory scopeFactory, IOptions<TokenServerSettings> settings)
{
    private const long CreateLockKey = 0x4d48_4b45_5953; // "MHKEYS"

    /// <summary><see cref="Signing"/>: the newest ES256 key first (it signs), then the others (they verify and stay in the JWKS).</summary>
    public sealed record Keys(IReadOnlyList<AsymmetricSecurityKey> Signing, SymmetricSecurityKey Encryption);

    public async Task<Keys> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var kek = KeyEncryptionKey();
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();

        var stored = await db.SigningKeys.AsNoTracking().Where(k => k.RetiredAt == null).ToListAsync(cancellationToken);
        var signing = SigningKeys(kek, stored);
        if (!signing.Any(k => k is ECDsaSecurityKey) || !stored.Any(k => k.Use == "enc"))
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({CreateLockKey})", cancellationToken);
                stored = await db.SigningKeys.AsNoTracking().Where(k => k.RetiredAt == null).ToListAsync(cancellationToken);
                if (!SigningKeys(kek, stored).Any(k => k is ECDsaSecurityKey))
                {
                    using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                    db.SigningKeys.Add(new SigningKey { Use = "sig", KeyId = NewKeyId(), ProtectedKey = Protect(kek, ecdsa.ExportPkcs8PrivateKey()) });
                }
                if (!stored.Any(k => k.Use == "enc"))
                {
                    db.SigningKeys.Add(new SigningKey { Use = "enc", KeyId = NewKeyId(), ProtectedKey = Protect(kek, RandomNumberGenerator.GetBytes(32)) });
                }
                await db.SaveChangesAsync(cancellationToken);
                stored = await db.SigningKeys.AsNoTracking().Where(k => k.RetiredAt == null).ToListAsync(cancellationToken);
                signing = SigningKeys(kek, stored);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({CreateLockKey})", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }

        var encryption = stored.Where(k => k.Use == "enc").OrderByDescending(k => k.CreatedAt).First();
        return new Keys(signing, new SymmetricSecurityKey(Unprotect(kek, encryption.ProtectedKey)) { KeyId = encryption.KeyId });
    }

    /// <summary>The stored signing keys, ES256 before RSA, newest first within each.</summary>
    private static List<AsymmetricSecurityKey> SigningKeys(byte[] kek, List<SigningKey> stored) =>
        [.. stored.Where(k => k.Use == "sig").OrderByDescending(k => k.CreatedAt).Select(k => Import(Unprotect(kek, k.ProtectedKey), k.KeyId))
            .OrderBy(k => k is ECDsaSecurityKey ? 0 : 1)];

    /// <summary>A PKCS#8 private key: ECDSA (this release's keys) or RSA (the keys of releases before it).</summary>
    private static AsymmetricSecurityKey Import(byte[] pkcs8, string keyId)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
        }
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    private byte[] KeyEncryptionKey() =>
        settings.Value.KeyEncryptionKey is { Length: >= 16 } secret
            ? SHA256.HashData(Encoding.UTF8.GetBytes(secret))
            : throw new InvalidOperationException(
                $"{TokenServerSettings.SectionName}:KeyEncryptionKey is not set (at least 16 characters): the token keys cannot be protected. The AppHost passes it as the 'identity-key-encryption-key' parameter.");

    private static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    internal static byte[] Protect(byte[] kek, byte[] plaintext)
    {
        var output = new byte[12 + 16 + plaintext.Length];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(kek, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(28), output.AsSpan(12, 16));
        return output;
    }

    internal static byte[] Unprotect(byte[] kek, byte[] protectedKey)
    {
        var plaintext = new byte[protectedKey.Length - 28];
        using var aes = new AesGcm(kek, 16);
        aes.Decrypt(protectedKey.AsSpan(0, 12), protectedKey.AsSpan(28), protectedKey.AsSpan(12, 16), plaintext);
        return plaintext;
    }
}
