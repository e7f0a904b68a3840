namespace MedicalHub.Identity.Api.Audit;

/// <summary>
/// One security event, in an append-only chain per organization (events of no known organization, such
/// as a failed login for an unknown address, form their own chain). Each entry carries the hash of the
/// previous one, so a modified or deleted row breaks the chain and <c>verify</c> finds where.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; init; }

    /// <summary>The chain: the organization, or <see cref="Guid.Empty"/> for events of no organization.</summary>
    public Guid ChainId { get; init; }

    /// <summary>Position in the chain, from 1.</summary>
    public long Sequence { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>What happened, e.g. <c>login.succeeded</c>, <c>mfa.enrolled</c> (see <see cref="AuditActions"/>).</summary>
    public required string Action { get; init; }

    public required string Outcome { get; init; }

    public Guid? ActorUserId { get; init; }

    public Guid? SubjectUserId { get; init; }

    public string? ClientId { get; init; }

    public string? IpAddress { get; init; }

    public string? UserAgent { get; init; }

    public string? Reason { get; init; }

    public required string PreviousHash { get; init; }

    public required string Hash { get; init; }
}

public static class AuditActions
{
    public const string Registered = "account.registered";
    public const string EmailVerified = "email.verified";
    public const string VerificationEmailResent = "email.verification-resent";
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string LockedOut = "account.locked-out";
    public const string MfaChallenged = "login.mfa-required";
    public const string MfaEnrolled = "mfa.enrolled";
    public const string MfaDisabled = "mfa.disabled";
    public const string RecoveryCodeUsed = "mfa.recovery-code-used";
    public const string RecoveryCodesRegenerated = "mfa.recovery-codes-regenerated";
    public const string ProfileChanged = "account.profile-changed";
    public const string PasswordChanged = "password.changed";
    public const string PasswordResetRequested = "password.reset-requested";
    public const string PasswordReset = "password.reset";
    public const string SessionRevoked = "session.revoked";
    public const string TokenRevoked = "token.revoked";
    public const string OrganizationChanged = "organization.changed";
    public const string RolesChanged = "member.roles-changed";
    public const string MemberDeactivated = "member.deactivated";
    public const string MfaReset = "mfa.reset-by-administrator";
    public const string InvitationSent = "invitation.sent";
    public const string InvitationAccepted = "invitation.accepted";
    public const string InvitationRevoked = "invitation.revoked";
    public const string RoleCreated = "role.created";
    public const string RoleChanged = "role.changed";
    public const string RoleDeleted = "role.deleted";
    public const string PolicyChanged = "organization.policy-changed";
    public const string ClientCreated = "client.created";
    public const string ClientDeleted = "client.deleted";
    public const string ClientSecretRotated = "client.secret-rotated";
    public const string RefreshTokenReused = "refresh-token.reused";
    public const string LoginThrottled = "login.throttled";
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
}
