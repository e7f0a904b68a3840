using MedicalHub.Identity.Api.Accounts;
using Microsoft.AspNetCore.Identity;
using StackExchange.Redis;

namespace MedicalHub.Identity.Api.Mfa;

/// <summary>
/// The codes of a user's authenticator app (TOTP): right for the current 30-second step or the one either side, and
/// each accepted only once: a code that verified is remembered in the service's Redis for as long as it could verify
/// again, so a code seen over someone's shoulder, or replayed, is refused.
/// </summary>
public sealed class AuthenticatorCodes(UserManager<User> users, IConnectionMultiplexer redis)
{
    /// <summary>Longer than the three 30-second steps a code verifies in.</summary>
    public static readonly TimeSpan RememberedFor = TimeSpan.FromSeconds(120);

    /// <summary>True the first time a right code is presented; false for a wrong code or one already used. Spaces and dashes are ignored.</summary>
    public async Task<bool> IsValidAsync(User user, string code)
    {
        var normalized = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, normalized)
            && await redis.GetDatabase().StringSetAsync($"medicalhub:mfa:used:{user.Id}:{normalized}", 1, RememberedFor, When.NotExists);
    }
}
