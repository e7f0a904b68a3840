using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace MedicalHub.Data.Audit;

/// <summary>
/// <c>MedicalHub:AuditChain</c>: the secret that signs new audit entries, and the secrets of earlier keys whose entries
/// must still verify. Secrets are deployment parameters (the AppHost generates one per service), never in the repository.
/// </summary>
public sealed class AuditChainKeySettings
{
    public const string SectionName = "MedicalHub:AuditChain";

    public const int MinimumKeyLength = 32;

    /// <summary>Signs every entry appended from now on.</summary>
    public string? Key { get; set; }

    /// <summary>Keys that signed earlier entries: kept after a rotation so those entries still verify.</summary>
    public string[] RetiredKeys { get; set; } = [];
}

/// <summary>
/// The keys of the audit chains: HMAC-SHA256 keys derived (HKDF) from the configured secrets, each known by a key id
/// derived from the same secret, so rotating is only "put the old secret in <c>RetiredKeys</c>, set a new <c>Key</c>":
/// every entry names the key that signed it.
/// </summary>
public sealed class AuditChainKeys
{
    /// <summary>The previous hash of a chain's first entry.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly byte[] SigningInfo = "medicalhub audit chain signing key v1"u8.ToArray();
    private static readonly byte[] KeyIdInfo = "medicalhub audit chain key id v1"u8.ToArray();

    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public AuditChainKeys(IOptions<AuditChainKeySettings> options)
    {
        var settings = options.Value;
        if (settings.Key is not { Length: >= AuditChainKeySettings.MinimumKeyLength } current)
        {
            throw new InvalidOperationException(
                $"{AuditChainKeySettings.SectionName}:Key must be a secret of at least {AuditChainKeySettings.MinimumKeyLength} characters (the AppHost generates one).");
        }
        CurrentKeyId = KeyIdOf(current);
        foreach (var secret in settings.RetiredKeys.Where(k => !string.IsNullOrEmpty(k)).Prepend(current))
        {
            _keys[KeyIdOf(secret)] = Derive(secret, SigningInfo, 32);
        }
    }

    /// <summary>The key new entries are signed with.</summary>
    public string CurrentKeyId { get; }

    /// <summary>The public name of a secret: 16 hex digits that reveal nothing of it.</summary>
    public static string KeyIdOf(string secret) => Convert.ToHexStringLower(Derive(secret, KeyIdInfo, 8));

    public bool IsKnown(string keyId) => _keys.ContainsKey(keyId);

    /// <summary>HMAC-SHA256 of <paramref name="content"/> with the key <paramref name="keyId"/>, lower-case hex.</summary>
    public string Sign(string keyId, ReadOnlySpan<byte> content) =>
        _keys.TryGetValue(keyId, out var key)
            ? Convert.ToHexStringLower(HMACSHA256.HashData(key, content))
            : throw new InvalidOperationException($"The audit chain key '{keyId}' is not configured.");

    private static byte[] Derive(string secret, byte[] info, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), length, salt: [], info: info);
}
