using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Mfa;
using MedicalHub.Identity.Api.Organizations;
using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>
/// The checks of a login, shared by the token endpoint's password and mfa-otp grants and the browser login page, so
/// both apply the same rules: no account enumeration (unknown account, wrong password and locked account look the same,
/// in timing too), lockout after repeated failures (<see cref="AccountRules"/>), verified e-mail required, a second
/// factor when the account has MFA, and every outcome audited. What a successful check leads to is
/// <see cref="SignInCompletion"/>'s.
/// </summary>
public sealed class PasswordLogin(UserManager<User> users, IMembershipDirectory memberships, IPasswordHasher<User> hasher,
    AuthenticatorCodes codes, MfaChallenges challenges, IAuditTrail audit)
{
    public enum Outcome { Succeeded, MfaRequired, InvalidCredentials, EmailNotVerified }

    public enum SecondFactorOutcome { Succeeded, ChallengeExpired, LockedOut, WrongCode, WrongRecoveryCode, Missing }

    /// <summary><see cref="HomeOrganizationId"/> is the organization a failure was audited under (not read on success).</summary>
    public sealed record PasswordResult(Outcome Outcome, User? User = null, Guid? HomeOrganizationId = null);

    /// <summary>
    /// The outcome of the second step: the login in progress (<see cref="MfaToken"/>, <see cref="Challenge"/>) and, when
    /// it succeeded, the <c>amr</c> value of the factor used (<see cref="Method"/>: <c>otp</c> or <c>rc</c>).
    /// </summary>
    public sealed record SecondFactorResult(SecondFactorOutcome Outcome, User? User = null, MfaChallenges.Challenge? Challenge = null,
        string? MfaToken = null, string? Method = null);

    /// <summary>The password step. With MFA on, the right password answers <see cref="Outcome.MfaRequired"/> (audited as the challenge).</summary>
    public async Task<PasswordResult> CheckPasswordAsync(string? email, string? password, string? clientId, CancellationToken ct)
    {
        var user = string.IsNullOrEmpty(email) ? null : await users.FindByEmailAsync(email);
        if (user is null)
        {
            // Spend the time a real check takes, so the answer's timing does not reveal unknown accounts.
            hasher.VerifyHashedPassword(TimingDummy.User, TimingDummy.Hash, password ?? "");
            await audit.RecordAsync(new(AuditActions.LoginFailed, AuditOutcomes.Failure, null, Reason: "unknown account", ClientId: clientId), ct);
            return new(Outcome.InvalidCredentials);
        }
        // The organization an outcome is audited under; a successful login records its own (the chosen one), so it skips this read.
        Task<Guid?> HomeAsync() => memberships.HomeOrganizationAsync(user.Id, ct);
        if (await users.IsLockedOutAsync(user))
        {
            hasher.VerifyHashedPassword(TimingDummy.User, TimingDummy.Hash, password ?? "");
            var lockedHome = await HomeAsync();
            await audit.RecordAsync(new(AuditActions.LoginFailed, AuditOutcomes.Failure, lockedHome, SubjectUserId: user.Id, Reason: "locked out", ClientId: clientId), ct);
            return new(Outcome.InvalidCredentials, user, lockedHome);
        }
        if (!await users.CheckPasswordAsync(user, password ?? ""))
        {
            var home = await HomeAsync();
            await FailedAttemptAsync(user, home, "wrong password", clientId, ct);
            return new(Outcome.InvalidCredentials, user, home);
        }
        if (!user.EmailConfirmed)
        {
            var home = await HomeAsync();
            await audit.RecordAsync(new(AuditActions.LoginFailed, AuditOutcomes.Failure, home, SubjectUserId: user.Id, Reason: "e-mail not verified", ClientId: clientId), ct);
            return new(Outcome.EmailNotVerified, user, home);
        }
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            var home = await HomeAsync();
            await audit.RecordAsync(new(AuditActions.MfaChallenged, AuditOutcomes.Success, home, user.Id, ClientId: clientId), ct);
            return new(Outcome.MfaRequired, user, home);
        }
        await users.ResetAccessFailedCountAsync(user);
        return new(Outcome.Succeeded, user);
    }

    /// <summary>
    /// The second step of the login <paramref name="mfaToken"/> names: a TOTP code (each accepted once) or a recovery code
    /// (each works once). Failures count towards the lockout; a locked account is refused before any code is looked at.
    /// </summary>
    public async Task<SecondFactorResult> CheckSecondFactorAsync(string? mfaToken, string? otp, string? recoveryCode, string? clientId, CancellationToken ct)
    {
        var challenge = await challenges.FindAsync(mfaToken);
        var user = challenge is null ? null : await users.FindByIdAsync(challenge.UserId.ToString());
        if (challenge is null || user is null)
        {
            return new(SecondFactorOutcome.ChallengeExpired);
        }
        var home = await memberships.HomeOrganizationAsync(user.Id, ct);
        if (await users.IsLockedOutAsync(user))
        {
            await audit.RecordAsync(new(AuditActions.LoginFailed, AuditOutcomes.Failure, home, SubjectUserId: user.Id, Reason: "locked out", ClientId: clientId), ct);
            return new(SecondFactorOutcome.LockedOut, user, challenge, mfaToken);
        }

        string method;
        if (!string.IsNullOrWhiteSpace(otp))
        {
            method = "otp";
            if (!await codes.IsValidAsync(user, otp))
            {
                await FailedAttemptAsync(user, home, "wrong or reused TOTP code", clientId, ct);
                return new(SecondFactorOutcome.WrongCode, user, challenge, mfaToken);
            }
        }
        else if (!string.IsNullOrWhiteSpace(recoveryCode))
        {
            method = "rc";
            if (!(await users.RedeemTwoFactorRecoveryCodeAsync(user, recoveryCode.Trim())).Succeeded)
            {
                await FailedAttemptAsync(user, home, "wrong or used recovery code", clientId, ct);
                return new(SecondFactorOutcome.WrongRecoveryCode, user, challenge, mfaToken);
            }
            await audit.RecordAsync(new(AuditActions.RecoveryCodeUsed, AuditOutcomes.Success, home, user.Id, ClientId: clientId), ct);
        }
        else
        {
            return new(SecondFactorOutcome.Missing, user, challenge, mfaToken);
        }

        await users.ResetAccessFailedCountAsync(user);
        return new(SecondFactorOutcome.Succeeded, user, challenge, mfaToken, method);
    }

    /// <summary>Counts a failed attempt towards the lockout and audits it, and the lockout itself when this attempt caused it.</summary>
    private async Task FailedAttemptAsync(User user, Guid? organizationId, string reason, string? clientId, CancellationToken ct)
    {
        await users.AccessFailedAsync(user);
        await audit.RecordAsync(new(AuditActions.LoginFailed, AuditOutcomes.Failure, organizationId, SubjectUserId: user.Id, Reason: reason, ClientId: clientId), ct);
        if (await users.IsLockedOutAsync(user))
        {
            await audit.RecordAsync(new(AuditActions.LockedOut, AuditOutcomes.Success, organizationId, SubjectUserId: user.Id, Reason: "too many failed attempts", ClientId: clientId), ct);
        }
    }

    /// <summary>A hash made once with the real hasher, checked against when there is no account, to keep timings equal.</summary>
    private static class TimingDummy
    {
        public static readonly User User = new() { GivenName = "", FamilyName = "" };
        public static readonly string Hash = new PasswordHasher<User>().HashPassword(User, Guid.NewGuid().ToString());
    }
}
