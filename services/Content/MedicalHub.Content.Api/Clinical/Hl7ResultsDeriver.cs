using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Ingestion;
using MedicalHub.Content.Formats.Hl7v2;
using MedicalHub.Content.Formats.Hl7v2.Mapping;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Clinical;

/// <summary>
/// Makes structured observations of an ORU^R01 message (our HL7 v2 parser and its lab-result mapping): one
/// <see cref="ClinicalObservation"/> per OBX, linked to the document's patient, or else to the organization's one
/// patient that holds an identifier of the PID (PID-3); when none or several do, the results wait for manual matching.
/// A re-run replaces what the document's earlier processing made. Other message types are kept as documents only.
/// </summary>
public sealed class Hl7ResultsDeriver(TimeProvider time) : IDocumentDeriver
{
    public bool Accepts(string mediaType) => mediaType == MediaTypes.Hl7V2;

    public async Task DeriveAsync(DerivationContext context, CancellationToken ct)
    {
        var db = context.Db;
        await db.Set<ClinicalObservation>().Where(o => o.SourceDocumentId == context.Document.Id).ExecuteDeleteAsync(ct);
        LabResultMessage results;
        try
        {
            var message = Hl7Message.Parse(await File.ReadAllBytesAsync(context.Input.FilePath, ct));
            if (message.MessageCode != "ORU" || message.TriggerEvent != "R01")
            {
                context.Content.Warnings.Add($"{message.MessageCode}^{message.TriggerEvent} is kept as a document; only ORU^R01 results become observations.");
                return;
            }
            results = LabResultMapping.FromOruR01(message);
        }
        catch (Hl7FormatException ex)
        {
            context.Content.Warnings.Add($"No observations: {ex.Message}");
            return;
        }

        var now = time.GetUtcNow();
        var sequence = 0;
        foreach (var patientResults in results.Patients)
        {
            var patientId = context.Document.PatientId ?? await MatchAsync(db, patientResults.Patient, ct);
            if (patientId is null && patientResults.Reports.Any(r => r.Observations.Count > 0))
            {
                context.Content.Warnings.Add("No patient of the organization holds the message's patient identifiers (PID-3), or several do: its results wait for manual matching.");
            }
            foreach (var report in patientResults.Reports)
            {
                foreach (var observation in report.Observations)
                {
                    db.Add(ToObservation(observation, report, context, patientId, ++sequence, now));
                }
            }
        }
        foreach (var warning in results.Warnings.Take(20))
        {
            context.Content.Warnings.Add($"{warning.Location}: {warning.Text}");
        }
    }

    /// <summary>The one patient of the organization holding one of the PID's identifiers (by value, and by system when the sender names one that is a URI).</summary>
    private static async Task<Guid?> MatchAsync(Infrastructure.ContentDbContext db, PatientDemographics? patient, CancellationToken ct)
    {
        var values = patient?.Identifiers.Select(i => i.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (values.Count == 0)
        {
            return null;
        }
        var matches = await db.PatientIdentifiers.Where(i => values.Contains(i.Value))
            .Join(db.Patients.Where(p => p.MergedIntoId == null), i => i.PatientId, p => p.Id, (i, p) => p.Id).Distinct().Take(2).ToListAsync(ct);
        return matches.Count == 1 ? matches[0] : null;
    }

    private static ClinicalObservation ToObservation(Observation observation, ObservationReport report, DerivationContext context, Guid? patientId, int sequence,
        DateTimeOffset now) => new()
    {
        OrganizationId = context.Document.OrganizationId,
        PatientId = patientId,
        SourceDocumentId = context.Document.Id,
        SourceVersion = context.VersionNumber,
        Sequence = sequence,
        Code = Cut(observation.Code.Code ?? observation.Code.Text ?? "unknown", 100)!,
        CodeSystem = Cut(CodeSystems.Uri(observation.Code.CodingSystem), 200),
        Display = Cut(observation.Code.Text, 500),
        ValueType = Cut(observation.ValueType, 10),
        ValueNumber = observation.Value switch
        {
            NumericValue number => number.Number,
            StructuredNumericValue { Comparator: null or "" or "=", Separator: null or "", Number1: { } number } => number,
            _ => null,
        },
        ValueText = Cut(observation.Values.Count == 0 ? null : string.Join("; ", observation.Values.Select(v => v.Text)), 10_000),
        Unit = Cut(observation.Units?.Code ?? observation.Units?.Text, 100),
        ReferenceRange = Cut(observation.ReferenceRange?.Text, 200),
        ReferenceLow = observation.ReferenceRange?.Low,
        ReferenceHigh = observation.ReferenceRange?.High,
        AbnormalFlag = Cut(observation.AbnormalFlags.Count == 0 ? null : string.Join('~', observation.AbnormalFlags), 20),
        Status = ObservationStatuses.FromHl7(observation.Status ?? report.ResultStatus),
        EffectiveAt = (observation.ObservedAt ?? report.ObservedAt)?.ToDateTimeOffset(TimeSpan.Zero),
        ReportCode = Cut(report.Service?.Code, 100),
        ReportDisplay = Cut(report.Service?.Text, 500),
        CreatedAt = now,
    };

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

/// <summary>HL7 v2 coding systems (table 0396) as FHIR system URIs.</summary>
public static class CodeSystems
{
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";

    public static string? Uri(string? hl7) => hl7 switch
    {
        null or "" => null,
        "LN" => Loinc,
        "SCT" or "SNM" or "SNM3" => Snomed,
        "UCUM" => "http://unitsofmeasure.org",
        "I10" => "http://hl7.org/fhir/sid/icd-10",
        _ => hl7,
    };
}

/// <summary>FHIR ObservationStatus from HL7 v2 result statuses (tables 0085 and 0123).</summary>
public static class ObservationStatuses
{
    public static string FromHl7(string? status) => status switch
    {
        "F" => "final",
        "P" or "R" or "S" or "I" => "preliminary",
        "C" => "corrected",
        "X" => "cancelled",
        "D" or "W" => "entered-in-error",
        _ => "unknown",
    };
}
