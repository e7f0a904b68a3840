using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Patients;
using MedicalHub.Content.Formats.Hl7v2.Mapping;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Ingestion.Hl7Messages;

/// <summary>
/// Applies an ADT^A01/A04/A08 to the organization's registry (<see cref="PatientRegistry"/>: validated, versioned,
/// audited, <c>patient.*</c> published). The patient is the one holding an identifier of PID-3 (same system and value);
/// none: a new patient; several, or none by system but one by value under another system: a person decides
/// (<see cref="AdtOutcome.NeedsReview"/>).
/// </summary>
public sealed class AdtPatientUpdates(ContentDbContext db, PatientRegistry registry)
{
    private const int Attempts = 3;

    public abstract record AdtOutcome
    {
        private AdtOutcome() { }

        public sealed record Applied(PatientView Patient, bool Created) : AdtOutcome;

        public sealed record NeedsReview(string Reason, IReadOnlyList<Guid> Candidates) : AdtOutcome;

        /// <summary>The message's patient breaks the registry's rules (field → messages, no values).</summary>
        public sealed record Invalid(Dictionary<string, string[]> Errors) : AdtOutcome;

        /// <summary>The patient chosen on review cannot take the message (merged, unknown, an identifier of another patient).</summary>
        public sealed record Refused(string Reason, bool NotFound = false) : AdtOutcome;
    }

    /// <summary>Creates or updates the patient the message is about, or says why a person must decide.</summary>
    public async Task<AdtOutcome> ApplyAsync(PatientAdministrationMessage message, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var identifiers = Hl7PatientDetails.IdentifiersOf(message.Patient, message.Header.SendingFacility);
            var values = identifiers.Select(i => i.Value!).Distinct(StringComparer.Ordinal).ToList();
            var holders = await db.PatientIdentifiers.AsNoTracking().Where(i => values.Contains(i.Value))
                .Join(db.Patients.Where(p => p.MergedIntoId == null), i => i.PatientId, p => p.Id, (i, p) => new { i.System, i.Value, p.Id })
                .ToListAsync(ct);
            var exact = holders.Where(h => identifiers.Any(i => i.System == h.System && i.Value == h.Value)).Select(h => h.Id).Distinct().ToList();
            var all = holders.Select(h => h.Id).Distinct().Order().ToList();
            var outcome = (exact.Count, all.Count) switch
            {
                (1, _) => await UpdateAsync(exact[0], message, ct),
                ( > 1, _) => new AdtOutcome.NeedsReview($"{exact.Count} patients hold the message's identifiers (PID-3).", all),
                (0, > 0) => new AdtOutcome.NeedsReview("A patient holds an identifier value of the message (PID-3) under another assigning authority.", all),
                _ => await CreateAsync(message, ct),
            };
            // A concurrent change (another message about the same patient) is retried on fresh data.
            if (outcome is not AdtOutcome.Refused { NotFound: false } || attempt == Attempts)
            {
                return outcome;
            }
        }
    }

    /// <summary>Applies the message to the patient a person chose (<paramref name="patientId"/>), or to a new patient.</summary>
    public async Task<AdtOutcome> ApplyToAsync(PatientAdministrationMessage message, Guid? patientId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = patientId is { } id ? await UpdateAsync(id, message, ct) : await CreateAsync(message, ct);
            if (outcome is not AdtOutcome.Refused { NotFound: false } refused || attempt == Attempts || !refused.Reason.StartsWith(Concurrent, StringComparison.Ordinal))
            {
                return outcome;
            }
        }
    }

    private const string Concurrent = "The record changed while the message was applied";

    private async Task<AdtOutcome> CreateAsync(PatientAdministrationMessage message, CancellationToken ct) =>
        Outcome(await registry.CreateAsync(Hl7PatientDetails.ForNewPatient(message.Patient, message.Header.SendingFacility), ct), created: true);

    private async Task<AdtOutcome> UpdateAsync(Guid patientId, PatientAdministrationMessage message, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().Include(p => p.Identifiers).SingleOrDefaultAsync(p => p.Id == patientId, ct);
        if (patient is null)
        {
            return new AdtOutcome.Refused("No such patient in this organization.", NotFound: true);
        }
        if (patient.MergedIntoId is { } survivor)
        {
            return new AdtOutcome.Refused($"This record was merged into {survivor}; apply the message to that one.", NotFound: false);
        }
        var details = Hl7PatientDetails.ForUpdate(PatientView.From(patient, []), message.Patient, message.Header.SendingFacility);
        return Outcome(await registry.UpdateAsync(patientId, patient.Version, details, ct), created: false);
    }

    private static AdtOutcome Outcome(PatientOutcome outcome, bool created) => outcome switch
    {
        PatientOutcome.Saved saved => new AdtOutcome.Applied(saved.Patient, created),
        PatientOutcome.Invalid invalid => new AdtOutcome.Invalid(invalid.Errors),
        PatientOutcome.NotFound => new AdtOutcome.Refused("No such patient in this organization.", NotFound: true),
        PatientOutcome.VersionMismatch => new AdtOutcome.Refused(Concurrent + "; it was not applied."),
        PatientOutcome.Conflict conflict => new AdtOutcome.Refused(conflict.Reason),
        _ => throw new InvalidOperationException($"Unexpected registry outcome {outcome.GetType().Name}."),
    };
}
