using System.Text.Json.Serialization;

namespace MedicalHub.Content.Api.Patients;

/// <summary>A patient as the native API shows it, and as each version is kept (the FHIR layer maps it to a Patient resource).</summary>
/// <param name="Version">The record's version: its ETag (<c>W/"{version}"</c>) and FHIR <c>meta.versionId</c>.</param>
/// <param name="MergedIntoId">The survivor this record was merged into; null for a record in use.</param>
/// <param name="Replaces">The records merged into this one.</param>
public sealed record PatientView(
    Guid Id,
    int Version,
    bool Active,
    IReadOnlyList<PatientName> Names,
    DateOnly? BirthDate,
    string? Gender,
    IReadOnlyList<IdentifierView> Identifiers,
    IReadOnlyList<ContactPoint> Telecom,
    IReadOnlyList<PatientAddress> Addresses,
    Guid? MergedIntoId,
    IReadOnlyList<Guid> Replaces,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PatientView From(Patient p, IReadOnlyList<Guid> replaces) => new(
        p.Id, p.Version, p.Active, p.Names, p.BirthDate, p.Gender,
        [.. p.Identifiers.OrderBy(i => i.Id).Select(i => new IdentifierView(i.System, i.Value, i.Use, i.TypeCode))],
        p.Telecom, p.Addresses, p.MergedIntoId, replaces, p.CreatedAt, p.UpdatedAt);

    /// <summary>The weak ETag of this version.</summary>
    [JsonIgnore]
    public string ETag => $"W/\"{Version}\"";
}

public sealed record IdentifierView(string System, string Value, string? Use, string? TypeCode);

public sealed record PatientPage(PatientView[] Items, int Page, int PageSize, int Total);

/// <summary>One version of a record in a patient's history (the survivor's history holds the versions of the records merged into it).</summary>
public sealed record PatientVersionView(Guid PatientId, int Version, string Change, DateTimeOffset RecordedAt, Guid? RecordedBy);

public sealed record PatientHistoryPage(PatientVersionView[] Items, int Page, int PageSize, int Total);

/// <summary>The body of a merge: the record to merge into the one addressed (which survives).</summary>
public sealed record MergeRequest(Guid? MergeId);
