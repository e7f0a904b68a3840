namespace MedicalHub.Identity.Api.Organizations;

/// <summary>A user's place in one organization: the roles held there. A user may belong to several organizations.</summary>
public sealed class Membership
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid OrganizationId { get; init; }

    public required Guid UserId { get; init; }

    public List<Guid> RoleIds { get; set; } = [];

    public bool IsActive { get; set; } = true;

    /// <summary>
    /// A patient portal account's membership: the patient's record (a Content patient id) in this organization. Such a
    /// membership holds the <see cref="OrganizationRole.BuiltIn.Patient"/> role only; null for staff.
    /// </summary>
    public Guid? PatientId { get; set; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
