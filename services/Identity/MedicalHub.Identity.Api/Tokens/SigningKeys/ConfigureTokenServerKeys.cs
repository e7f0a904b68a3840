using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace MedicalHub.Identity.Api.Tokens.SigningKeys;

/// <summary>
/// Hands the stored keys to OpenIddict when its options are first built (after the migrations ran). Every signing key
/// verifies and is published in the JWKS; OpenIddict signs with the first credential, so once OpenIddict has sorted them
/// (its sort does not order raw keys: it treats them as equal), <see cref="PostConfigure"/> puts the active key (the
/// newest ES256 one) first again.
/// </summary>
internal sealed class ConfigureTokenServerKeys(TokenKeyStore store) : IConfigureOptions<OpenIddictServerOptions>, IPostConfigureOptions<OpenIddictServerOptions>
{
    private SecurityKey? _active;

    public void Configure(OpenIddictServerOptions options)
    {
        var keys = store.LoadOrCreateAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var key in keys.Signing)
        {
            options.SigningCredentials.Add(new SigningCredentials(key, key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256));
        }
        _active = keys.Signing[0];
        options.EncryptionCredentials.Add(new EncryptingCredentials(keys.Encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    public void PostConfigure(string? name, OpenIddictServerOptions options)
    {
        if (options.SigningCredentials.FindIndex(c => ReferenceEquals(c.Key, _active)) is > 0 and var index)
        {
            var active = options.SigningCredentials[index];
            options.SigningCredentials.RemoveAt(index);
            options.SigningCredentials.Insert(0, active);
        }
    }
}
