using MedicalHub.Data.Tenancy;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// A grant by an organization (the owner) to read one of its documents, or every document of one of its patients (the
/// chart), given to a user or to the holders of a role, of the same organization or of another. Read-only; revocable;
/// optionally expiring. Reads honour it at once, and stop honouring it at once.
/// </summary>
public sealed class Share : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    /// <summary>The document shared; or null when the patient's chart is.</summary>
    public Guid? DocumentId { get; init; }

    /// <summary>The patient whose chart (every document about them) is shared; or null when one document is.</summary>
    public Guid? PatientId { get; init; }

    /// <summary>The user it is for (acting in <see cref="RecipientOrganizationId"/>); or null for a role.</summary>
    public Guid? RecipientUserId { get; init; }

    /// <summary>The role (by name, as in tokens) whose holders it is for; or null for a user.</summary>
    public string? RecipientRole { get; init; }

    /// <summary>The organization the recipient acts in: the owner's own, or another.</summary>
    public Guid RecipientOrganizationId { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The user who revoked it; null when a service did (<see cref="RevokedByClient"/>).</summary>
    public Guid? RevokedBy { get; set; }

    /// <summary>The service (client id) that revoked it on behalf of the organization, e.g. <c>workflow</c> undoing a referral.</summary>
    public string? RevokedByClient { get; set; }

    /// <summary>The user who made it; null when a service did (<see cref="CreatedByClient"/>).</summary>
    public Guid? CreatedBy { get; init; }

    /// <summary>The service (client id) that made it on behalf of the organization, e.g. <c>workflow</c> for a referral.</summary>
    public string? CreatedByClient { get; init; }

    /// <summary>The caller's <c>Idempotency-Key</c>: a repeated request with it answers this share instead of making another (unique per organization).</summary>
    public string? IdempotencyKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>
/// A read-only link to one document for someone without an account: its token (32 random bytes, given once, kept only as
/// its SHA-256), an expiry, optionally one use only and an access code (kept as a salted PBKDF2 hash; five wrong codes
/// close the link). Every use, allowed or refused, is recorded (<see cref="ShareLinkUse"/>).
/// </summary>
public sealed class ShareLink : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid DocumentId { get; init; }

    public required byte[] TokenHash { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public bool OneTime { get; init; }

    /// <summary>When the one use of a one-time link was made.</summary>
    public DateTimeOffset? UsedAt { get; set; }

    public byte[]? AccessCodeHash { get; init; }

    public byte[]? AccessCodeSalt { get; init; }

    public int FailedCodeAttempts { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? RevokedBy { get; set; }

    public Guid CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>One use of a share link, allowed or refused, for the link's owner to see.</summary>
public sealed class ShareLinkUse : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid LinkId { get; init; }

    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    /// <summary><see cref="ShareLinkOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    public string? RemoteAddress { get; init; }

    public string? UserAgent { get; init; }
}

public static class ShareLinkOutcomes
{
    public const string Viewed = "viewed";
    public const string Downloaded = "downloaded";
    public const string WrongCode = "wrong-code";
    public const string Expired = "expired";
    public const string Revoked = "revoked";
    public const string AlreadyUsed = "already-used";
    public const string Locked = "locked";
}
