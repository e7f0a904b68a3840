using MedicalHub.Data.Tenancy;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>
/// One numbered version of a pathway's definition. A draft can be replaced; once published it never changes, so an
/// instance started on it runs it to the end, whatever is published after (until an explicit migration moves it).
/// </summary>
public sealed class PathwayVersion : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid PathwayId { get; init; }

    /// <summary>1, 2, 3… per pathway.</summary>
    public int Number { get; init; }

    public PathwayVersionStatus Status { get; set; } = PathwayVersionStatus.Draft;

    /// <summary>The <see cref="PathwayDocument"/> as JSON (jsonb).</summary>
    public required string Document { get; set; }

    /// <summary>The integration event type that starts an instance of this version when it is the current one (from the document's trigger).</summary>
    public string? TriggerEvent { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public Guid? CreatedBy { get; init; }

    public DateTimeOffset? PublishedAt { get; set; }

    public Guid? PublishedBy { get; set; }
}

public enum PathwayVersionStatus
{
    Draft,
    Published,
}
