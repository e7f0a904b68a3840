using MedicalHub.Content.Api.Documents;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Clinical;

/// <summary>
/// One result (an HL7 v2 OBX, later a FHIR Observation) as structured data: what was observed (code and system), the value
/// (a number or text), unit, reference range, abnormal flag and time, linked to the patient, and to the document it came
/// from. A result whose patient could not be matched has no <see cref="PatientId"/> and waits for manual matching.
/// </summary>
public sealed class ClinicalObservation : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    /// <summary>Null while the result waits for manual matching.</summary>
    public Guid? PatientId { get; set; }

    /// <summary>The document (e.g. the HL7 message as received) the result was read from.</summary>
    public Guid SourceDocumentId { get; init; }

    public int SourceVersion { get; init; }

    /// <summary>The result's place in its message (from 1): results are listed in the order they were sent.</summary>
    public int Sequence { get; init; }

    public required string Code { get; init; }

    /// <summary>The code's system as a URI (<c>http://loinc.org</c>…), or the sender's name of it when it has no known URI.</summary>
    public string? CodeSystem { get; init; }

    public string? Display { get; init; }

    /// <summary>The HL7 v2 value type (<c>NM</c>, <c>ST</c>, <c>CWE</c>…).</summary>
    public string? ValueType { get; init; }

    public decimal? ValueNumber { get; init; }

    /// <summary>The value as sent (also for numbers, keeping their precision).</summary>
    public string? ValueText { get; init; }

    public string? Unit { get; init; }

    public string? ReferenceRange { get; init; }

    public decimal? ReferenceLow { get; init; }

    public decimal? ReferenceHigh { get; init; }

    /// <summary>HL7 table 0078 (<c>L</c>, <c>H</c>, <c>LL</c>, <c>HH</c>, <c>N</c>, <c>A</c>…); null when not sent.</summary>
    public string? AbnormalFlag { get; init; }

    /// <summary>FHIR ObservationStatus: <c>final</c>, <c>preliminary</c>, <c>corrected</c>, <c>cancelled</c>, <c>entered-in-error</c> or <c>unknown</c>.</summary>
    public required string Status { get; init; }

    public DateTimeOffset? EffectiveAt { get; init; }

    /// <summary>What was ordered (OBR-4): the panel the result belongs to.</summary>
    public string? ReportCode { get; init; }

    public string? ReportDisplay { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class ClinicalObservationEntityTypeConfiguration : IEntityTypeConfiguration<ClinicalObservation>
{
    public void Configure(EntityTypeBuilder<ClinicalObservation> builder)
    {
        builder.ToTable("clinical_observations");
        builder.Property(o => o.Code).HasMaxLength(100);
        builder.Property(o => o.CodeSystem).HasMaxLength(200);
        builder.Property(o => o.Display).HasMaxLength(500);
        builder.Property(o => o.ValueType).HasMaxLength(10);
        builder.Property(o => o.ValueText).HasMaxLength(10_000);
        builder.Property(o => o.Unit).HasMaxLength(100);
        builder.Property(o => o.ReferenceRange).HasMaxLength(200);
        builder.Property(o => o.AbnormalFlag).HasMaxLength(20);
        builder.Property(o => o.Status).HasMaxLength(20);
        builder.Property(o => o.ReportCode).HasMaxLength(100);
        builder.Property(o => o.ReportDisplay).HasMaxLength(500);
        builder.HasIndex(o => new { o.OrganizationId, o.PatientId, o.Code, o.EffectiveAt });
        builder.HasIndex(o => new { o.SourceDocumentId, o.Sequence });
        builder.HasOne<Document>().WithMany().HasForeignKey(o => o.SourceDocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
