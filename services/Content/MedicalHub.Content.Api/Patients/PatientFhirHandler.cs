using System.Globalization;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Fhir;
using MedicalHub.Security.Claims;

namespace MedicalHub.Content.Api.Patients;

/// <summary>FHIR <c>Patient</c> over the patient registry: read, vread, search, create and update, scoped and audited as the native API.</summary>
public sealed class PatientFhirHandler(PatientRegistry registry) : IFhirResourceHandler
{
    public static readonly FhirResourceCapability Capability = new(
        "Patient",
        ["read", "vread", "search-type", "create", "update"],
        [
            ("_id", "token", "The record's id."),
            ("name", "string", "Each word starts a word of any name (diacritics and case ignored)."),
            ("family", "string", "Each word starts a word of a family name."),
            ("given", "string", "Each word starts a word of a given name."),
            ("phonetic", "string", "Each word sounds like a word of a name (double metaphone)."),
            ("birthdate", "date", "eq, ne, lt, le, gt, ge, sa, eb with YYYY, YYYY-MM or YYYY-MM-DD."),
            ("identifier", "token", "system|value, system| or value."),
            ("active", "token", "true or false."),
        ],
        PermissionNames.PatientsRead,
        PermissionNames.PatientsWrite,
        PatientsApi.MaxBodyBytes,
        "The organization's patient registry. Results are ordered by name.");

    public async Task<FhirResult> ReadAsync(FhirRequest request, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) && await registry.GetAsync(guid, PhiActions.Read, ct) is { } patient
            ? FhirResult.Resource(StatusCodes.Status200OK, PatientFhirMapping.ToFhir(patient))
            : FhirResult.NotFound(request, id);

    public async Task<FhirResult> VReadAsync(FhirRequest request, string id, string versionId, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) && int.TryParse(versionId, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && await registry.VersionAsync(guid, version, ct) is { } patient
            ? FhirResult.Resource(StatusCodes.Status200OK, PatientFhirMapping.ToFhir(patient))
            : FhirResult.NotFound(request, $"{id}/_history/{versionId}");

    public async Task<FhirResult> SearchAsync(FhirRequest request, FhirSearch search, CancellationToken ct)
    {
        var parser = new PatientQueryParser();
        foreach (var (name, value) in search.Parameters)
        {
            switch (name)
            {
                case "name": parser.Name(name, value, parser.Query.NameWords); break;
                case "family": parser.Name(name, value, parser.Query.FamilyWords); break;
                case "given": parser.Name(name, value, parser.Query.GivenWords); break;
                case "phonetic": parser.Name(name, value, parser.Query.PhoneticWords); break;
                case "birthdate": parser.BirthDate(name, value); break;
                case "identifier": parser.Identifier(name, value); break;
                case "_id": parser.Ids(name, value); break;
                case "active": parser.Active(name, value); break;
            }
        }
        if (parser.Errors.Count > 0)
        {
            return FhirResult.Invalid(parser.Errors.ToDictionary(e => e.Key, e => e.Value.Select(m => $"{e.Key}: {m}").ToArray()));
        }
        var (items, total) = await registry.SearchAsync(parser.Query, search.Page, search.Count, ct);
        return new FhirResult(StatusCodes.Status200OK, search.Searchset(request, items.Select(PatientFhirMapping.ToFhir), total));
    }

    public async Task<FhirResult> CreateAsync(FhirRequest request, CancellationToken ct)
    {
        var resource = await request.ReadResourceAsync<Hl7.Fhir.Model.Patient>(ct);
        return Answer(request, await registry.CreateAsync(PatientFhirMapping.ToDetails(resource), ct), StatusCodes.Status201Created);
    }

    public async Task<FhirResult> UpdateAsync(FhirRequest request, string id, CancellationToken ct)
    {
        var resource = await request.ReadResourceAsync<Hl7.Fhir.Model.Patient>(ct);
        if (resource.Id != id)
        {
            throw new FhirInputException($"The resource's id ({resource.Id ?? "none"}) must be the id in the URL ({id}).");
        }
        if (!Guid.TryParse(id, out var guid))
        {
            return FhirResult.NotFound(request, id);
        }
        int? expected = request.IfMatchVersion() is { } version
            ? int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1
            : null;
        return Answer(request, await registry.UpdateAsync(guid, expected, PatientFhirMapping.ToDetails(resource), ct), StatusCodes.Status200OK);
    }

    private static FhirResult Answer(FhirRequest request, PatientOutcome outcome, int successStatus) => outcome switch
    {
        PatientOutcome.Saved saved => FhirResult.Resource(successStatus, PatientFhirMapping.ToFhir(saved.Patient), request.BaseUrl),
        PatientOutcome.Invalid invalid => FhirResult.Invalid(PatientFhirMapping.FhirPaths(invalid.Errors)),
        PatientOutcome.NotFound => FhirResult.NotFound(request, request.Http.Request.RouteValues["id"]?.ToString() ?? ""),
        PatientOutcome.VersionMismatch mismatch => FhirResult.Outcome(StatusCodes.Status412PreconditionFailed, Hl7.Fhir.Model.OperationOutcome.IssueType.Conflict,
            $"The record changed since it was read{(mismatch.Current is { } current ? $" (current version {current})" : "")}."),
        PatientOutcome.Conflict conflict => FhirResult.Outcome(StatusCodes.Status409Conflict, Hl7.Fhir.Model.OperationOutcome.IssueType.Conflict, conflict.Reason),
        _ => throw new InvalidOperationException($"No FHIR answer for {outcome.GetType().Name}."),
    };
}
