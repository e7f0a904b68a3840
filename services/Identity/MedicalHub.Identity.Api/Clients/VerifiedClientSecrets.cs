using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace MedicalHub.Identity.Api.Clients;

/// <summary>
/// OpenIddict's application manager, remembering for a while that a client secret matched its stored PBKDF2 hash, so
/// that a client asking for tokens again does not pay the hash each time (it was most of a client-credentials grant's
/// CPU). The memory is keyed by the stored hash (with its salt) and the presented secret, through an HMAC with a key
/// that lives only in this process: a new secret or a deleted client has a different stored hash (or none), so it never
/// matches a remembered success, and failures are never remembered (a wrong secret always pays the full hash).
/// </summary>
public sealed class VerifiedClientSecrets(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication<Guid>> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication<Guid>>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication<Guid>> store,
    IMemoryCache verified)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication<Guid>>(cache, logger, options, store)
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(10);
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        var key = (nameof(VerifiedClientSecrets), Convert.ToBase64String(HMACSHA256.HashData(ProcessKey, Encoding.UTF8.GetBytes(comparand + "\n" + secret))));
        if (verified.TryGetValue(key, out _))
        {
            return true;
        }
        if (!await base.ValidateClientSecretAsync(secret, comparand, cancellationToken))
        {
            return false;
        }
        verified.Set(key, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = RememberFor, Size = 1 });
        return true;
    }
}
