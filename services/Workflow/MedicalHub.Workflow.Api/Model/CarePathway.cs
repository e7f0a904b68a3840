using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Model;

/// <summary>A care pathway definition: the steps a practice follows for a condition or procedure.</summary>
public sealed class CarePathway : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Stamped from the organization scope when the pathway is saved.</summary>
    public Guid OrganizationId { get; init; }

    public required string Name { get; set; }

    public CarePathwayStatus Status { get; set; } = CarePathwayStatus.Draft;

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
