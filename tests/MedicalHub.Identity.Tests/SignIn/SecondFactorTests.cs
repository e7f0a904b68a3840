using System.Security.Cryptography;
using System.Text;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.SignIn;
using MedicalHub.Identity.Tests.Support;
using MedicalHub.Tests;

namespace MedicalHub.Identity.Tests.SignIn;

/// <summary>The second step's rules: the login in progress, authenticator codes (each once), recovery codes (each once), the lockout.</summary>
public sealed class SecondFactorTests(RedisServer redis) : IAsyncLifetime
{
    private readonly SignInRig _rig = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    private async Task<PasswordLogin.SecondFactorResult> SecondStepAsync(User user, string? otp = null, string? recoveryCode = null)
    {
        var mfaToken = await _rig.Challenges.IssueAsync(new MfaChallenges.Challenge(user.Id, null, ["openid"]));
        return await _rig.Logins.CheckSecondFactorAsync(mfaToken, otp, recoveryCode, "medicalhub-web", Ct);
    }

    [Fact]
    public async Task A_current_authenticator_code_completes_the_login_it_was_asked_for()
    {
        var (user, secret, _) = await _rig.UserWithMfaAsync();
        var organization = Guid.CreateVersion7().ToString();
        var mfaToken = await _rig.Challenges.IssueAsync(new MfaChallenges.Challenge(user.Id, organization, ["openid", "offline_access"]));

        var result = await _rig.Logins.CheckSecondFactorAsync(mfaToken, Totp.Code(secret), null, "medicalhub-web", Ct);

        Assert.Equal(PasswordLogin.SecondFactorOutcome.Succeeded, result.Outcome);
        Assert.Equal("otp", result.Method);
        Assert.Same(user, result.User);
        Assert.Equal(mfaToken, result.MfaToken);
        Assert.Equal(organization, result.Challenge!.OrganizationId);
        Assert.Equal(["openid", "offline_access"], result.Challenge.Scopes);
    }

    [Fact]
    public async Task An_authenticator_code_is_accepted_once_a_replay_is_refused_and_counted()
    {
        var (user, secret, _) = await _rig.UserWithMfaAsync();
        var code = Totp.Code(secret);

        var first = await SecondStepAsync(user, otp: code);
        var replay = await SecondStepAsync(user, otp: code);

        Assert.Equal(PasswordLogin.SecondFactorOutcome.Succeeded, first.Outcome);
        Assert.Equal(PasswordLogin.SecondFactorOutcome.WrongCode, replay.Outcome);
        Assert.Equal(1, user.AccessFailedCount);
        Assert.Equal("wrong or reused TOTP code", _rig.AuditOf(user).Last().Reason);
    }

    [Fact]
    public async Task Spaces_and_dashes_in_a_code_do_not_matter_but_its_digits_do()
    {
        var (user, secret, _) = await _rig.UserWithMfaAsync();
        var code = Totp.Code(secret);

        var wrong = await SecondStepAsync(user, otp: code[..5] + (code[5] == '0' ? '1' : '0'));
        var spaced = await SecondStepAsync(user, otp: $"{code[..3]} {code[3..]}");

        Assert.Equal(PasswordLogin.SecondFactorOutcome.WrongCode, wrong.Outcome);
        Assert.Equal(PasswordLogin.SecondFactorOutcome.Succeeded, spaced.Outcome);
    }

    [Fact]
    public async Task A_code_of_another_time_is_refused()
    {
        var (user, secret, _) = await _rig.UserWithMfaAsync();

        var stale = await SecondStepAsync(user, otp: Totp.Code(secret, stepOffset: -10));

        Assert.Equal(PasswordLogin.SecondFactorOutcome.WrongCode, stale.Outcome);
    }

    [Fact]
    public async Task A_recovery_code_works_once_and_its_use_is_recorded()
    {
        var (user, _, recoveryCodes) = await _rig.UserWithMfaAsync();

        var used = await SecondStepAsync(user, recoveryCode: recoveryCodes[3]);
        var again = await SecondStepAsync(user, recoveryCode: recoveryCodes[3]);

        Assert.Equal(PasswordLogin.SecondFactorOutcome.Succeeded, used.Outcome);
        Assert.Equal("rc", used.Method);
        Assert.Single(_rig.AuditOf(user), e => e.Action == AuditActions.RecoveryCodeUsed);
        Assert.Equal(PasswordLogin.SecondFactorOutcome.WrongRecoveryCode, again.Outcome);
        Assert.Equal(1, user.AccessFailedCount); // a used code counts towards the lockout like a wrong one
        Assert.Equal(9, await _rig.Users.CountRecoveryCodesAsync(user));
    }

    [Fact]
    public async Task Without_a_code_the_step_asks_for_one_and_counts_nothing()
    {
        var (user, _, _) = await _rig.UserWithMfaAsync();

        var result = await SecondStepAsync(user, otp: " ", recoveryCode: "");

        Assert.Equal(PasswordLogin.SecondFactorOutcome.Missing, result.Outcome);
        Assert.Equal(0, user.AccessFailedCount);
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_account_and_then_a_right_code_is_refused_without_being_spent()
    {
        var (user, secret, _) = await _rig.UserWithMfaAsync();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await SecondStepAsync(user, otp: Totp.Code(secret, stepOffset: 100 + attempt));
        }
        Assert.True(await _rig.Users.IsLockedOutAsync(user));
        var code = Totp.Code(secret);

        var whileLocked = await SecondStepAsync(user, otp: code);

        Assert.Equal(PasswordLogin.SecondFactorOutcome.LockedOut, whileLocked.Outcome);
        Assert.Equal("locked out", _rig.AuditOf(user).Last().Reason);
        // Refused before the code was looked at: once the lockout is over, the same code still works.
        await _rig.Users.SetLockoutEndDateAsync(user, null);
        Assert.Equal(PasswordLogin.SecondFactorOutcome.Succeeded, (await SecondStepAsync(user, otp: code)).Outcome);
    }

    [Fact]
    public async Task An_unknown_or_ended_login_cannot_be_completed()
    {
        var (user, secret, _) = await _rig.UserWithMfaAsync();
        var mfaToken = await _rig.Challenges.IssueAsync(new MfaChallenges.Challenge(user.Id, null, []));
        await _rig.Challenges.EndAsync(mfaToken);

        var ended = await _rig.Logins.CheckSecondFactorAsync(mfaToken, Totp.Code(secret), null, null, Ct);
        var unknown = await _rig.Logins.CheckSecondFactorAsync("made-up", Totp.Code(secret), null, null, Ct);
        var missing = await _rig.Logins.CheckSecondFactorAsync(null, Totp.Code(secret), null, null, Ct);

        Assert.All([ended, unknown, missing], r => Assert.Equal(PasswordLogin.SecondFactorOutcome.ChallengeExpired, r.Outcome));
    }

    [Fact]
    public async Task The_login_in_progress_is_kept_for_five_minutes_under_a_hash_of_its_token_never_the_token_itself()
    {
        var (user, _, _) = await _rig.UserWithMfaAsync();

        var mfaToken = await _rig.Challenges.IssueAsync(new MfaChallenges.Challenge(user.Id, null, []));

        var hashed = "medicalhub:mfa:challenge:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mfaToken)));
        Assert.True(await _rig.Redis.Connection.GetDatabase().KeyExistsAsync(hashed));
        Assert.Empty(_rig.Redis.Server.Keys(pattern: $"*{mfaToken}*"));
        var stored = await _rig.Redis.Connection.GetDatabase().StringGetAsync(hashed);
        Assert.DoesNotContain(mfaToken, stored.ToString(), StringComparison.Ordinal);
        Assert.InRange((await _rig.Redis.Connection.GetDatabase().KeyTimeToLiveAsync(hashed))!.Value, TimeSpan.FromMinutes(4), MfaChallenges.Lifetime);
        Assert.NotNull(await _rig.Challenges.FindAsync(mfaToken));
    }
}
