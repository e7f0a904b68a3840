using System.Security.Cryptography;
using System.Text.Json;
using StackExchange.Redis;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>
/// The state between the password step and the second factor of a login (the <c>mfa_token</c>). Kept in the service's Redis, with expiry, so every replica sees it.
/// </summary>
public sealed class MfaChallenges(IConnectionMultiplexer redis)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public sealed record Challenge(Guid UserId, string? OrganizationId, string[] Scopes);

    public async Task<string> IssueAsync(Challenge challenge)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await redis.GetDatabase().StringSetAsync(Key(token), JsonSerializer.Serialize(challenge), Lifetime);
        return token;
    }

    public async Task<Challenge?> FindAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var value = await redis.GetDatabase().StringGetAsync(Key(token));
        return value.HasValue ? JsonSerializer.Deserialize<Challenge>(value.ToString()) : null;
    }

    public Task EndAsync(string token) => redis.GetDatabase().KeyDeleteAsync(Key(token));

    private static string Key(string token) => "medicalhub:mfa:challenge:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
