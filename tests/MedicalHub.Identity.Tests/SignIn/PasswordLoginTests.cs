using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.SignIn;
using MedicalHub.Identity.Tests.Support;
using MedicalHub.Tests;

namespace MedicalHub.Identity.Tests.SignIn;

/// <summary>The password step's rules: no account enumeration, the lockout, verified e-mail, MFA, and what each outcome records.</summary>
public sealed class PasswordLoginTests(RedisServer redis) : IAsyncLifetime
{
    private readonly SignInRig _rig = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    private Task<PasswordLogin.PasswordResult> LoginAsync(string? email, string? password) => _rig.Logins.CheckPasswordAsync(email, password, "medicalhub-web", Ct);

    [Fact]
    public async Task The_right_password_of_a_verified_account_without_mfa_succeeds_and_clears_earlier_failures()
    {
        var user = await _rig.UserAsync();
        await LoginAsync(user.Email, "not the password");
        await LoginAsync(user.Email, "not the password either");
        Assert.Equal(2, user.AccessFailedCount);

        var result = await LoginAsync(user.Email, SignInRig.Password);

        Assert.Equal(PasswordLogin.Outcome.Succeeded, result.Outcome);
        Assert.Same(user, result.User);
        Assert.Equal(0, user.AccessFailedCount);
    }

    [Fact]
    public async Task An_unknown_account_a_wrong_password_and_a_locked_account_get_the_same_answer()
    {
        var user = await _rig.UserAsync();
        var locked = await _rig.UserAsync();
        await _rig.Users.SetLockoutEndDateAsync(locked, DateTimeOffset.UtcNow.AddMinutes(5));

        var unknown = await LoginAsync("nobody@example.org", SignInRig.Password);
        var wrong = await LoginAsync(user.Email, "not the password");
        var lockedOut = await LoginAsync(locked.Email, SignInRig.Password);

        Assert.All([unknown, wrong, lockedOut], r => Assert.Equal(PasswordLogin.Outcome.InvalidCredentials, r.Outcome));
        var failures = _rig.Audit.Entries.Where(e => e.Action == AuditActions.LoginFailed).ToList();
        Assert.Equal(["unknown account", "wrong password", "locked out"], failures.Select(e => e.Reason));
        Assert.All(failures, e => Assert.Equal(AuditOutcomes.Failure, e.Outcome));
        // An unknown address belongs to no organization; a known account's failures go to its home organization's chain.
        Assert.Equal([null, _rig.Memberships.HomeOrganizationId, _rig.Memberships.HomeOrganizationId], failures.Select(e => e.OrganizationId));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes_and_then_the_right_one_is_refused()
    {
        var user = await _rig.UserAsync();
        for (var attempt = 1; attempt < 5; attempt++)
        {
            await LoginAsync(user.Email, $"wrong {attempt}");
            Assert.False(await _rig.Users.IsLockedOutAsync(user), $"locked after {attempt} failures");
        }

        var fifth = await LoginAsync(user.Email, "wrong again");

        Assert.Equal(PasswordLogin.Outcome.InvalidCredentials, fifth.Outcome);
        Assert.True(await _rig.Users.IsLockedOutAsync(user));
        Assert.InRange(user.LockoutEnd!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        var lockout = Assert.Single(_rig.AuditOf(user), e => e.Action == AuditActions.LockedOut);
        Assert.Equal("too many failed attempts", lockout.Reason);

        var right = await LoginAsync(user.Email, SignInRig.Password);
        Assert.Equal(PasswordLogin.Outcome.InvalidCredentials, right.Outcome);
        Assert.Equal("locked out", _rig.AuditOf(user).Last().Reason);
    }

    [Fact]
    public async Task A_locked_account_is_refused_before_its_password_is_checked()
    {
        var user = await _rig.UserAsync();
        await _rig.Users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(5));

        await LoginAsync(user.Email, "a guess while locked");

        // Not counted (the lockout does not grow from guesses made while it lasts), and audited as the lockout.
        Assert.Equal(0, user.AccessFailedCount);
        Assert.Equal("locked out", Assert.Single(_rig.AuditOf(user)).Reason);
    }

    [Fact]
    public async Task An_unverified_address_is_told_only_to_the_right_password()
    {
        var user = await _rig.UserAsync(emailConfirmed: false);

        var wrong = await LoginAsync(user.Email, "not the password");
        var right = await LoginAsync(user.Email, SignInRig.Password);

        Assert.Equal(PasswordLogin.Outcome.InvalidCredentials, wrong.Outcome);
        Assert.Equal(PasswordLogin.Outcome.EmailNotVerified, right.Outcome);
        Assert.Equal("e-mail not verified", _rig.AuditOf(user).Last().Reason);
    }

    [Fact]
    public async Task With_mfa_on_the_right_password_asks_for_the_second_factor_and_the_failures_stay_counted()
    {
        var (user, _, _) = await _rig.UserWithMfaAsync();
        await LoginAsync(user.Email, "not the password");

        var result = await LoginAsync(user.Email, SignInRig.Password);

        Assert.Equal(PasswordLogin.Outcome.MfaRequired, result.Outcome);
        Assert.Equal(1, user.AccessFailedCount); // only a completed login clears them
        var challenged = _rig.AuditOf(user).Last();
        Assert.Equal(AuditActions.MfaChallenged, challenged.Action);
        Assert.Equal(_rig.Memberships.HomeOrganizationId, challenged.OrganizationId);
    }

    [Fact]
    public async Task A_password_has_at_least_twelve_characters()
    {
        var email = $"short.{Guid.NewGuid():N}@example.org";
        var user = new User { UserName = email, Email = email, GivenName = "Short", FamilyName = "Password" };

        var eleven = await _rig.Users.CreateAsync(user, "elevenchars");
        var twelve = await _rig.Users.CreateAsync(user, "twelve chars");

        Assert.Equal(["PasswordTooShort"], eleven.Errors.Select(e => e.Code));
        Assert.True(twelve.Succeeded);
    }

    [Fact]
    public async Task A_successful_password_step_records_nothing_itself()
    {
        var user = await _rig.UserAsync();

        await LoginAsync(user.Email, SignInRig.Password);

        // The login is recorded once, by SignInCompletion, under the organization it is for.
        Assert.Empty(_rig.Audit.Entries);
    }
}
