using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Mfa;

/// <summary>
/// ASP.NET Core Identity's EF Core user store, except that the authenticator key and the recovery codes
/// (which Identity keeps as user tokens of its internal provider) are encrypted in <c>asp_net_user_tokens</c>.
/// Every read and write of those two goes through <see cref="GetTokenAsync"/> and <see cref="SetTokenAsync"/>,
/// so enrolment, code checks, redeeming and regenerating recovery codes work unchanged.
/// </summary>
public sealed class ProtectedUserStore(IdentityServiceDbContext context, UserSecretProtector protector, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<User, IdentityServiceDbContext, Guid>(context, describer)
{
    /// <summary>The login provider name under which <see cref="UserStoreBase{TUser,TKey,TUserClaim,TUserLogin,TUserToken}"/> keeps its own tokens.</summary>
    public const string InternalLoginProvider = "[AspNetUserStore]";

    public static readonly string[] ProtectedNames = ["AuthenticatorKey", "RecoveryCodes"];

    public override async Task SetTokenAsync(User user, string loginProvider, string name, string? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (value is not null && IsProtected(loginProvider, name))
        {
            value = protector.Protect(value, user.Id.ToString(), name);
        }
        await base.SetTokenAsync(user, loginProvider, name, value, cancellationToken);
    }

    public override async Task<string?> GetTokenAsync(User user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var value = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return value is not null && IsProtected(loginProvider, name) ? protector.Unprotect(value, user.Id.ToString(), name) : value;
    }

    private static bool IsProtected(string loginProvider, string name) =>
        loginProvider == InternalLoginProvider && ProtectedNames.Contains(name);
}
