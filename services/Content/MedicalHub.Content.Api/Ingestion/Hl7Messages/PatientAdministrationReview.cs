using MedicalHub.Content.Api.Documents;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Ingestion.Hl7Messages;

/// <summary>
/// An ADT message that could not be applied to a patient without a person deciding: several patients hold its
/// identifiers, or one holds its identifier value under another system. The message is kept as the document; staff
/// apply it to a patient (or to a new one) through the review API.
/// </summary>
public sealed class PatientAdministrationReview : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    /// <summary>The message as received (an HL7 v2 document).</summary>
    public Guid DocumentId { get; init; }

    /// <summary><c>A01</c>, <c>A04</c> or <c>A08</c>.</summary>
    public required string TriggerEvent { get; init; }

    /// <summary>Why it waits, without PHI.</summary>
    public required string Reason { get; init; }

    /// <summary>The patients that hold one of its identifiers (values or system and value).</summary>
    public List<Guid> CandidatePatientIds { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The patient the message was applied to.</summary>
    public Guid? ResolvedPatientId { get; set; }

    public Guid? ResolvedBy { get; set; }
}

internal sealed class PatientAdministrationReviewEntityTypeConfiguration : IEntityTypeConfiguration<PatientAdministrationReview>
{
    public void Configure(EntityTypeBuilder<PatientAdministrationReview> builder)
    {
        builder.ToTable("patient_administration_reviews");
        builder.Property(r => r.TriggerEvent).HasMaxLength(3);
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.HasIndex(r => new { r.OrganizationId, r.ResolvedAt, r.CreatedAt });
        builder.HasIndex(r => r.DocumentId).IsUnique();
        builder.HasOne<Document>().WithMany().HasForeignKey(r => r.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
