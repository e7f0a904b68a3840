namespace MedicalHub.Workflow.Api.Model;

/// <summary>A care pathway definition: the steps a practice follows for a condition or procedure.</summary>
public sealed class CarePathway
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid OrganizationId { get; init; }

    public required string Name { get; set; }

    public CarePathwayStatus Status { get; set; } = CarePathwayStatus.Draft;

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
