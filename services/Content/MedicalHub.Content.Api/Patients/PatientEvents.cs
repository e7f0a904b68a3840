namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// The integration events about patients, and what they carry: enough for a subscriber to keep the small copy it needs
/// (a display name, the birth date, whether the record is in use, the e-mail address Workflow's pathways notify the
/// patient at); the record itself stays in Content.
/// </summary>
public static class PatientEvents
{
    public const string Created = "patient.created";
    public const string Updated = "patient.updated";
    public const string Merged = "patient.merged";

    /// <summary>The <c>data</c> of <c>patient.created</c> and <c>patient.updated</c>.</summary>
    public sealed record PatientChanged(Guid PatientId, int Version, bool Active, string? Family, IReadOnlyList<string> Given,
        DateOnly? BirthDate, string? Gender, string? MedicalRecordNumber, string? Email);

    /// <summary>The <c>data</c> of <c>patient.merged</c>: <see cref="MergedId"/> is now an inactive record pointing at <see cref="SurvivorId"/>.</summary>
    public sealed record PatientMerged(Guid SurvivorId, Guid MergedId, int SurvivorVersion);

    public static PatientChanged ChangedData(Patient p, Guid organizationId)
    {
        var name = p.Names.FirstOrDefault(n => n.Use == "official") ?? p.Names.FirstOrDefault();
        var mrn = p.Identifiers.FirstOrDefault(i => i.System == MedicalRecordNumbers.SystemOf(organizationId) && i.Use != "old")?.Value;
        // The preferred e-mail address in use (lowest rank first, unranked last), for notifications to the patient.
        var email = p.Telecom.Where(t => t.System == "email" && t.Use != "old" && !string.IsNullOrWhiteSpace(t.Value))
            .OrderBy(t => t.Rank ?? int.MaxValue).Select(t => t.Value).FirstOrDefault();
        return new PatientChanged(p.Id, p.Version, p.Active, name?.Family, name?.Given ?? [], p.BirthDate, p.Gender, mrn, email);
    }
}
