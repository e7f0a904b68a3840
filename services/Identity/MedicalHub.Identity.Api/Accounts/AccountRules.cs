using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>
/// The account rules ASP.NET Core Identity enforces for us: unique and verified e-mail addresses, passwords of at least
/// <see cref="MinimumPasswordLength"/> characters (the validators add the rest: <see cref="PasswordPolicyValidator"/>,
/// <see cref="PasswordHistoryValidator"/>, <see cref="CommonPasswordValidator"/>), and the lockout: after
/// <see cref="FailedAttemptsBeforeLockout"/> failed passwords or second factors in a row an account is locked for
/// <see cref="LockoutDuration"/>, new accounts included.
/// </summary>
public static class AccountRules
{
    public const int MinimumPasswordLength = 12;
    public const int FailedAttemptsBeforeLockout = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public static void Configure(IdentityOptions options)
    {
        options.User.RequireUniqueEmail = true;
        options.SignIn.RequireConfirmedEmail = true;
        options.Password.RequiredLength = MinimumPasswordLength;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Lockout.MaxFailedAccessAttempts = FailedAttemptsBeforeLockout;
        options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
        options.Lockout.AllowedForNewUsers = true;
    }
}
