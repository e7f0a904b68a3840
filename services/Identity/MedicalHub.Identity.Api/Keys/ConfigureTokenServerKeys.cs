using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace MedicalHub.Identity.Api.Keys;

/// <summary>Hands the stored keys to OpenIddict when its options are first built (after the migrations ran).</summary>
internal sealed class ConfigureTokenServerKeys(TokenKeyStore store) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var keys = store.LoadOrCreateAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var key in keys.Signing)
        {
            options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        }
        options.EncryptionCredentials.Add(new EncryptingCredentials(keys.Encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
    }
}
