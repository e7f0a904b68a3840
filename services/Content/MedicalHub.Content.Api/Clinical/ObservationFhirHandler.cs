using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Fhir;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Clinical;

/// <summary>
/// FHIR <c>Observation</c> over the organization's structured results (<see cref="ClinicalObservation"/>): read, and
/// search by patient (a survivor's search includes the records merged into it), code and date (effective). Scoped and
/// audited as the native API (<c>read</c>/<c>search</c> of <c>Observation</c> naming the patients).
/// </summary>
public sealed class ObservationFhirHandler(ContentDbContext db, PhiAccessAudit audit) : IFhirResourceHandler
{
    public const string CategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string InterpretationSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    public static readonly FhirResourceCapability Capability = new(
        "Observation",
        ["read", "search-type"],
        [
            ("_id", "token", "The observation's id."),
            ("patient", "reference", "Patient/{id} or {id}: the patient's results (a survivor's include those of the records merged into it)."),
            ("code", "token", "code or system|code (e.g. http://loinc.org|4548-4); a comma separates alternatives."),
            ("date", "date", "When observed (effective): eq, ne, lt, le, gt, ge, sa, eb with YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with its offset."),
        ],
        PermissionNames.PatientsRead,
        Documentation: "Lab results read from HL7 v2 ORU^R01 messages, newest first; each derives from the DocumentReference of its message.");

    public async Task<FhirResult> ReadAsync(FhirRequest request, string id, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var observation = Guid.TryParse(id, out var guid) ? await db.Set<ClinicalObservation>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == guid, ct) : null;
        if (observation is null)
        {
            return FhirResult.NotFound(request, id);
        }
        await audit.RecordAsync(new PhiAccess(PhiActions.Read, "Observation", id, observation.PatientId is { } patient ? [patient] : []), ct);
        return FhirResult.Resource(StatusCodes.Status200OK, ToFhir(observation));
    }

    public async Task<FhirResult> SearchAsync(FhirRequest request, FhirSearch search, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var observations = db.Set<ClinicalObservation>().AsNoTracking();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in search.Parameters)
        {
            if (value.Length == 0)
            {
                continue;
            }
            if (value.Length > 200 || value.Any(char.IsControl))
            {
                throw new FhirInputException($"{name}: at most 200 characters, no control characters.");
            }
            names.Add(name);
            switch (name)
            {
                case "_id":
                    var ids = value.Split(',').Select(v => Guid.TryParse(v, out var g) ? g : Guid.Empty).ToArray();
                    observations = observations.Where(o => ids.Contains(o.Id));
                    break;
                case "patient":
                    var patient = (Guid.TryParse(value, out var bare) ? bare : DocumentReferenceFhirMapping.PatientOf(value))
                        ?? throw new FhirInputException("patient: Patient/{id} or {id}.");
                    var records = await db.Patients.Where(p => p.Id == patient || p.MergedIntoId == patient).Select(p => (Guid?)p.Id).ToListAsync(ct);
                    observations = observations.Where(o => records.Contains(o.PatientId));
                    break;
                case "code":
                    var codes = value.Split(',').Select(Token).ToList();
                    var plain = codes.Where(c => c.System is null).Select(c => c.Code).ToArray();
                    var systems = codes.Where(c => c.System is not null).Select(c => c.System + "|" + c.Code).ToArray();
                    observations = observations.Where(o => plain.Contains(o.Code) || systems.Contains(o.CodeSystem + "|" + o.Code));
                    break;
                case "date":
                    observations = observations.Where(o => o.EffectiveAt != null)
                        .Where(FhirDateSearch.Parse(name, value).Condition<ClinicalObservation>(o => o.EffectiveAt!.Value));
                    break;
            }
        }
        var page = await observations.OrderByDescending(o => o.EffectiveAt).ThenBy(o => o.SourceDocumentId).ThenBy(o => o.Sequence)
            .Skip((search.Page - 1) * search.Count).Take(search.Count).ToListAsync(ct);
        var total = search.Page == 1 && page.Count < search.Count ? page.Count : await observations.CountAsync(ct);
        await audit.RecordAsync(new PhiAccess(PhiActions.Search, "Observation", null, [.. page.Where(o => o.PatientId != null).Select(o => o.PatientId!.Value).Distinct()],
            Query: names.Count == 0 ? null : string.Join(',', names)), ct);
        return new FhirResult(StatusCodes.Status200OK, search.Searchset(request, page.Select(ToFhir), total));
    }

    private static (string? System, string Code) Token(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        var (system, code) = bar < 0 ? (null, value) : (value[..bar], value[(bar + 1)..]);
        return code.Length == 0 ? throw new FhirInputException("code: code or system|code.") : (system, code);
    }

    public static Observation ToFhir(ClinicalObservation o)
    {
        var observation = new Observation
        {
            Id = o.Id.ToString(),
            Meta = new Meta { VersionId = "1", LastUpdated = o.CreatedAt },
            Status = EnumUtility.ParseLiteral<ObservationStatus>(o.Status) ?? ObservationStatus.Unknown,
            Category = [new CodeableConcept(CategorySystem, "laboratory")],
            Code = new CodeableConcept { Coding = [new Coding(o.CodeSystem, o.Code, o.Display)], Text = o.Display },
            Subject = o.PatientId is { } patient ? new ResourceReference($"Patient/{patient}") : null,
            Effective = o.EffectiveAt is { } effective ? new FhirDateTime(effective) : null,
            Value = o.ValueNumber is { } number ? new Quantity { Value = number, Unit = o.Unit }
                : o.ValueText is { } text ? new FhirString(text) : null,
            DerivedFrom = [new ResourceReference($"DocumentReference/{o.SourceDocumentId}")],
        };
        if (o.AbnormalFlag is { } flag)
        {
            observation.Interpretation = [.. flag.Split('~').Select(f => new CodeableConcept(InterpretationSystem, f))];
        }
        if (o.ReferenceLow is not null || o.ReferenceHigh is not null || o.ReferenceRange is not null)
        {
            observation.ReferenceRange =
            [
                new Observation.ReferenceRangeComponent
                {
                    Low = o.ReferenceLow is { } low ? new Quantity { Value = low, Unit = o.Unit } : null,
                    High = o.ReferenceHigh is { } high ? new Quantity { Value = high, Unit = o.Unit } : null,
                    Text = o.ReferenceRange,
                },
            ];
        }
        return observation;
    }
}
