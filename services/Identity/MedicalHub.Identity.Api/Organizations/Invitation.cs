namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// An administrator's invitation of an e-mail address into an organization with some roles. The link in the
/// e-mail carries a random token; only its SHA-256 is stored, so a copy of the database cannot accept it.
/// </summary>
public sealed class Invitation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid OrganizationId { get; init; }

    public required string Email { get; init; }

    public required List<Guid> RoleIds { get; init; }

    /// <summary>A patient invitation: the patient's record (Content) the account will be linked to; null for staff.</summary>
    public Guid? PatientId { get; init; }

    /// <summary>Lower-case hex SHA-256 of the token in the link; replaced when the invitation is sent again.</summary>
    public required string TokenHash { get; set; }

    public required Guid InvitedByUserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public required DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public Guid? AcceptedByUserId { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Neither accepted nor revoked (it may still have expired).</summary>
    public bool IsOpen => AcceptedAt is null && RevokedAt is null;
}
