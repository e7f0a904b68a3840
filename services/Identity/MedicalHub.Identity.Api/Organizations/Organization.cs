namespace MedicalHub.Identity.Api.Organizations;

/// <summary>A practice: the tenant that owns users, roles and every piece of data on the platform.</summary>
public sealed class Organization
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>URL-safe, unique handle of the organization (e.g. in invitation links).</summary>
    public required string Slug { get; set; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Policy: members holding any of these roles get their rights only after logging in with MFA.</summary>
    public List<Guid> MfaRequiredRoleIds { get; set; } = [];
}
