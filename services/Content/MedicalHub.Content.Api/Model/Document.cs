using MedicalHub.Data.Tenancy;

namespace MedicalHub.Content.Api.Model;

/// <summary>A medical document owned by one organization.</summary>
public sealed class Document : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Stamped from the organization scope when the document is saved.</summary>
    public Guid OrganizationId { get; init; }

    public required string Title { get; set; }

    /// <summary>IANA media type of the current version (application/pdf, application/dicom, x-application/hl7-v2+er7, ...).</summary>
    public required string MediaType { get; set; }

    public long SizeBytes { get; set; }

    public required Guid CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
