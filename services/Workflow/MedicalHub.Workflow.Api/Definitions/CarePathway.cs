using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>A care pathway: what a practice follows for a condition or procedure, in numbered versions (<see cref="PathwayVersion"/>).</summary>
public sealed class CarePathway : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Stamped from the organization scope when the pathway is saved.</summary>
    public Guid OrganizationId { get; init; }

    public required string Name { get; set; }

    public CarePathwayStatus Status { get; set; } = CarePathwayStatus.Draft;

    /// <summary>The published version new instances start on; null until one is published.</summary>
    public Guid? CurrentVersionId { get; set; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public enum CarePathwayStatus
{
    /// <summary>No version published yet.</summary>
    Draft,

    /// <summary>A version is published: instances can start.</summary>
    Active,

    /// <summary>No new instance starts; running ones go on.</summary>
    Retired,
}
