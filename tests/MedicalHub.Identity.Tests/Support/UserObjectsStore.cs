using System.Collections.Concurrent;
using MedicalHub.Identity.Api.Accounts;
using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Tests.Support;

/// <summary>
/// ASP.NET Core Identity's user-store interfaces over the <see cref="User"/> objects themselves (they carry the password
/// hash, the failure count, the lockout end, the second-factor switch), with the authenticator keys and recovery codes
/// beside them. The rules under test are above the store, in <c>UserManager</c> (configured by Identity's own
/// <see cref="AccountRules"/>) and in Identity's sign-in classes; the EF store and its encryption are exercised against
/// PostgreSQL by the end-to-end suite.
/// </summary>
public sealed class UserObjectsStore :
    IUserPasswordStore<User>, IUserEmailStore<User>, IUserLockoutStore<User>, IUserTwoFactorStore<User>,
    IUserAuthenticatorKeyStore<User>, IUserTwoFactorRecoveryCodeStore<User>, IUserSecurityStampStore<User>
{
    private readonly ConcurrentDictionary<Guid, User> _users = new();
    private readonly ConcurrentDictionary<Guid, string> _authenticatorKeys = new();
    private readonly ConcurrentDictionary<Guid, List<string>> _recoveryCodes = new();

    public void Dispose()
    {
    }

    public Task<string> GetUserIdAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.Id.ToString());
    public Task<string?> GetUserNameAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.UserName);
    public Task SetUserNameAsync(User user, string? userName, CancellationToken cancellationToken) => Set(() => user.UserName = userName);
    public Task<string?> GetNormalizedUserNameAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.NormalizedUserName);
    public Task SetNormalizedUserNameAsync(User user, string? normalizedName, CancellationToken cancellationToken) => Set(() => user.NormalizedUserName = normalizedName);

    public Task<IdentityResult> CreateAsync(User user, CancellationToken cancellationToken)
    {
        _users[user.Id] = user;
        return Task.FromResult(IdentityResult.Success);
    }

    public Task<IdentityResult> UpdateAsync(User user, CancellationToken cancellationToken) => CreateAsync(user, cancellationToken);

    public Task<IdentityResult> DeleteAsync(User user, CancellationToken cancellationToken)
    {
        _users.TryRemove(user.Id, out _);
        return Task.FromResult(IdentityResult.Success);
    }

    public Task<User?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(Guid.TryParse(userId, out var id) ? _users.GetValueOrDefault(id) : null);

    public Task<User?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        Task.FromResult(_users.Values.SingleOrDefault(u => u.NormalizedUserName == normalizedUserName));

    public Task SetPasswordHashAsync(User user, string? passwordHash, CancellationToken cancellationToken) => Set(() => user.PasswordHash = passwordHash);
    public Task<string?> GetPasswordHashAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash);
    public Task<bool> HasPasswordAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash is not null);

    public Task SetEmailAsync(User user, string? email, CancellationToken cancellationToken) => Set(() => user.Email = email);
    public Task<string?> GetEmailAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.Email);
    public Task<bool> GetEmailConfirmedAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.EmailConfirmed);
    public Task SetEmailConfirmedAsync(User user, bool confirmed, CancellationToken cancellationToken) => Set(() => user.EmailConfirmed = confirmed);
    public Task<User?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        Task.FromResult(_users.Values.SingleOrDefault(u => u.NormalizedEmail == normalizedEmail));
    public Task<string?> GetNormalizedEmailAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.NormalizedEmail);
    public Task SetNormalizedEmailAsync(User user, string? normalizedEmail, CancellationToken cancellationToken) => Set(() => user.NormalizedEmail = normalizedEmail);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnd);
    public Task SetLockoutEndDateAsync(User user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken) => Set(() => user.LockoutEnd = lockoutEnd);
    public Task<int> IncrementAccessFailedCountAsync(User user, CancellationToken cancellationToken) => Task.FromResult(++user.AccessFailedCount);
    public Task ResetAccessFailedCountAsync(User user, CancellationToken cancellationToken) => Set(() => user.AccessFailedCount = 0);
    public Task<int> GetAccessFailedCountAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.AccessFailedCount);
    public Task<bool> GetLockoutEnabledAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnabled);
    public Task SetLockoutEnabledAsync(User user, bool enabled, CancellationToken cancellationToken) => Set(() => user.LockoutEnabled = enabled);

    public Task SetTwoFactorEnabledAsync(User user, bool enabled, CancellationToken cancellationToken) => Set(() => user.TwoFactorEnabled = enabled);
    public Task<bool> GetTwoFactorEnabledAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.TwoFactorEnabled);

    public Task SetAuthenticatorKeyAsync(User user, string key, CancellationToken cancellationToken) => Set(() => _authenticatorKeys[user.Id] = key);
    public Task<string?> GetAuthenticatorKeyAsync(User user, CancellationToken cancellationToken) => Task.FromResult(_authenticatorKeys.GetValueOrDefault(user.Id));

    public Task ReplaceCodesAsync(User user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) => Set(() => _recoveryCodes[user.Id] = [.. recoveryCodes]);

    public Task<bool> RedeemCodeAsync(User user, string code, CancellationToken cancellationToken)
    {
        var codes = _recoveryCodes.GetValueOrDefault(user.Id) ?? [];
        lock (codes)
        {
            return Task.FromResult(codes.Remove(code));
        }
    }

    public Task<int> CountCodesAsync(User user, CancellationToken cancellationToken) => Task.FromResult(_recoveryCodes.GetValueOrDefault(user.Id)?.Count ?? 0);

    public Task SetSecurityStampAsync(User user, string stamp, CancellationToken cancellationToken) => Set(() => user.SecurityStamp = stamp);
    public Task<string?> GetSecurityStampAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.SecurityStamp);

    private static Task Set(Action set)
    {
        set();
        return Task.CompletedTask;
    }
}
