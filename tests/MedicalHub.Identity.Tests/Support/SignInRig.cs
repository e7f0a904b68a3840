using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Mfa;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.SignIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MedicalHub.Tests;

namespace MedicalHub.Identity.Tests.Support;

/// <summary>
/// Identity's login checks (<see cref="PasswordLogin"/>, <see cref="AuthenticatorCodes"/>, <see cref="MfaChallenges"/>)
/// with the real <see cref="UserManager{TUser}"/> configured by <see cref="AccountRules"/>, over users kept as objects,
/// a real Redis (<see cref="RedisServer"/>) for the login in progress and the used codes, and an audit trail that
/// records what it is given.
/// </summary>
public sealed class SignInRig : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly ServiceProvider _services;
    private readonly AsyncServiceScope _scope;

    public SignInRig(RedisServer redis)
    {
        Redis = redis;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection();
        services.AddIdentityCore<User>(AccountRules.Configure).AddDefaultTokenProviders();
        services.AddSingleton<IUserStore<User>>(Store);
        services.AddSingleton(redis.Connection);
        services.AddSingleton<IAuditTrail>(Audit);
        services.AddSingleton<IMembershipDirectory>(Memberships);
        services.AddSingleton<MfaChallenges>();
        services.AddScoped<AuthenticatorCodes>();
        services.AddScoped<PasswordLogin>();
        _services = services.BuildServiceProvider(validateScopes: true);
        _scope = _services.CreateAsyncScope();
    }

    public UserObjectsStore Store { get; } = new();

    public RedisServer Redis { get; }

    public RecordingAuditTrail Audit { get; } = new();

    public Memberships Memberships { get; } = new();

    public UserManager<User> Users => _scope.ServiceProvider.GetRequiredService<UserManager<User>>();

    public PasswordLogin Logins => _scope.ServiceProvider.GetRequiredService<PasswordLogin>();

    public MfaChallenges Challenges => _scope.ServiceProvider.GetRequiredService<MfaChallenges>();

    public AuthenticatorCodes Codes => _scope.ServiceProvider.GetRequiredService<AuthenticatorCodes>();

    /// <summary>A user with <see cref="Password"/>, verified unless said otherwise.</summary>
    public async Task<User> UserAsync(bool emailConfirmed = true)
    {
        var email = $"user.{Guid.NewGuid():N}@example.org";
        var user = new User { UserName = email, Email = email, EmailConfirmed = emailConfirmed, GivenName = "Test", FamilyName = "User" };
        var created = await Users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>A verified user with TOTP on; answers the authenticator's secret and the recovery codes.</summary>
    public async Task<(User User, string Secret, string[] RecoveryCodes)> UserWithMfaAsync()
    {
        var user = await UserAsync();
        await Users.ResetAuthenticatorKeyAsync(user);
        await Users.SetTwoFactorEnabledAsync(user, true);
        var codes = await Users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10);
        return (user, (await Users.GetAuthenticatorKeyAsync(user))!, [.. codes!]);
    }

    /// <summary>The entries about <paramref name="user"/>: its subject, or its actor when no subject is named (as the trail records them).</summary>
    public IEnumerable<AuditEntry> AuditOf(User user) => Audit.Entries.Where(e => (e.SubjectUserId ?? e.ActorUserId) == user.Id);

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
    }
}
