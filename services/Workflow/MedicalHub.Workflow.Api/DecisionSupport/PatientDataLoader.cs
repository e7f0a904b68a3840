using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using MedicalHub.Security.Authentication;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Fhir;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>
/// Gathers a hook's <see cref="PatientData"/>: each prefetch key from the request's <c>prefetch</c> when the client sent it,
/// otherwise read from <c>fhirServer</c> with Firely's <see cref="FhirClient"/> and the <c>fhirAuthorization</c> token (the
/// caller's own when none is given). Only the platform's FHIR base (<c>{issuer}fhir</c>) or a configured one is called.
/// A type the server does not serve is left out and named in <see cref="PatientData.Missing"/>; data the rules need but
/// cannot have is a 412, as CDS Hooks says. Prefetched data of another patient is refused (400).
/// </summary>
public sealed class PatientDataLoader(IHttpClientFactory http, IOptions<AuthenticationSettings> authentication, IOptions<DecisionSupportOptions> options,
    WorkflowDbContext db)
{
    public const string HttpClientName = "cds-fhir";

    public sealed record Problem(int Status, string Title, string Detail);

    public bool IsTrustedFhirServer(Uri server)
    {
        var wanted = Normalize(server.ToString());
        var own = authentication.Value.Issuer is { } issuer ? Normalize(new Uri(issuer, "fhir").ToString()) : null;
        return wanted == own || options.Value.FhirServers.Any(s => Normalize(s) == wanted);
    }

    private static string Normalize(string url) => url.TrimEnd('/').ToLowerInvariant();

    public async Task<(PatientData? Data, Problem? Problem)> LoadAsync(CdsHookRequest request, CdsServiceDefinition service, string callerToken, CancellationToken ct)
    {
        var patientId = request.PatientId;
        var resources = new Dictionary<string, List<Resource>>(StringComparer.Ordinal);
        var missing = new List<string>();
        FhirClient? client = null;
        foreach (var (key, template) in service.Prefetch)
        {
            if (request.Prefetch.TryGetValue(key, out var supplied))
            {
                var (parsed, error) = Parse(supplied, key);
                if (error is not null)
                {
                    return (null, error);
                }
                resources[key] = parsed!;
                continue;
            }
            if (request.FhirServer is null)
            {
                return (null, new Problem(StatusCodes.Status412PreconditionFailed, "Prefetch data missing.",
                    $"The prefetch key '{key}' was not supplied and no fhirServer was given to read it from."));
            }
            client ??= Client(request.FhirServer, request.FhirAccessToken ?? callerToken);
            var url = template.Replace("{{context.patientId}}", Uri.EscapeDataString(patientId), StringComparison.Ordinal)
                .Replace("{{context.userId}}", Uri.EscapeDataString(request.UserId), StringComparison.Ordinal);
            try
            {
                var read = await client.GetAsync(url, ct);
                resources[key] = read is Bundle bundle ? [.. bundle.Entry.Where(e => e.Resource is not null && e.Search?.Mode != Bundle.SearchEntryMode.Outcome).Select(e => e.Resource!)]
                    : read is null ? [] : [read];
            }
            catch (FhirOperationException ex) when (key == "patient")
            {
                // Content answers 404 for a patient of another organization, as for one that does not exist.
                return (null, ex.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                    ? new Problem(StatusCodes.Status403Forbidden, "Patient not accessible.", "The FHIR server does not give this patient to the caller (not of your organization, or unknown).")
                    : new Problem(StatusCodes.Status412PreconditionFailed, "Patient could not be read.", $"The FHIR server answered {(int)ex.Status} for the patient."));
            }
            catch (FhirOperationException ex) when (ex.Status is HttpStatusCode.NotFound or HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest)
            {
                missing.Add(key); // a type this FHIR server does not serve
            }
            catch (Exception ex) when (ex is FhirOperationException or HttpRequestException or TaskCanceledException or FormatException or DeserializationFailedException)
            {
                if (ct.IsCancellationRequested)
                {
                    throw;
                }
                return (null, new Problem(StatusCodes.Status412PreconditionFailed, "Prefetch data could not be read.",
                    $"Reading '{key}' from the FHIR server failed ({ex.GetType().Name})."));
            }
        }

        var patient = resources.GetValueOrDefault("patient")?.OfType<Patient>().FirstOrDefault();
        if (patient is null)
        {
            return (null, new Problem(StatusCodes.Status412PreconditionFailed, "Patient missing.", "The 'patient' prefetch holds no Patient."));
        }
        if (patient.Id != patientId)
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, "Prefetch of another patient.", "The prefetched Patient is not context.patientId."));
        }
        var data = new PatientData { Patient = patient, Missing = missing };
        foreach (var (key, list) in resources.Where(r => r.Key != "patient"))
        {
            if (list.FirstOrDefault(r => !IsAbout(r, patientId)) is { } stranger)
            {
                return (null, new Problem(StatusCodes.Status400BadRequest, "Prefetch of another patient.",
                    $"The prefetch key '{key}' holds a {stranger.TypeName} that is not about context.patientId."));
            }
            data.Add(list);
        }
        if (Guid.TryParse(patientId, out var patientGuid))
        {
            var tasks = await db.Tasks.AsNoTracking().Where(t => t.PatientId == patientGuid).OrderByDescending(t => t.CreatedAt).Take(200).ToListAsync(ct);
            data.Tasks.AddRange(tasks.Select(TaskMapper.ToFhir));
        }
        if (request.DraftOrders is { } drafts)
        {
            var (orders, error) = Parse(drafts, "context.draftOrders");
            if (error is not null)
            {
                return (null, error);
            }
            data.DraftOrders.AddRange(orders!);
            data.Selections.AddRange(orders!.Where(o => request.Selections.Contains($"{o.TypeName}/{o.Id}", StringComparer.Ordinal)));
        }
        return (data, null);
    }

    private FhirClient Client(Uri server, string token)
    {
        var client = new FhirClient(server, http.CreateClient(HttpClientName), new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
        client.RequestHeaders!.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static (List<Resource>? Resources, Problem? Error) Parse(JsonElement json, string key)
    {
        try
        {
            var resource = new FhirJsonDeserializer().Deserialize<Resource>(json.GetRawText());
            return (resource is Bundle bundle ? [.. bundle.Entry.Where(e => e.Resource is not null).Select(e => e.Resource!)] : resource is null ? [] : [resource], null);
        }
        catch (Exception ex) when (ex is DeserializationFailedException or JsonException or FormatException or InvalidOperationException)
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, "Prefetch is not valid FHIR.", $"'{key}' could not be read as a FHIR R4 resource: {ex.Message}"));
        }
    }

    /// <summary>Whether a clinical resource names the patient (subject or patient reference, relative or absolute).</summary>
    private static bool IsAbout(Resource resource, string patientId)
    {
        var reference = resource switch
        {
            Observation o => o.Subject?.Reference,
            Condition c => c.Subject?.Reference,
            MedicationRequest m => m.Subject?.Reference,
            MedicationStatement m => m.Subject?.Reference,
            AllergyIntolerance a => a.Patient?.Reference,
            Immunization i => i.Patient?.Reference,
            _ => null,
        };
        return reference is null
            ? resource is not (Observation or Condition or MedicationRequest or MedicationStatement or AllergyIntolerance or Immunization)
            : reference == $"Patient/{patientId}" || reference.EndsWith($"/Patient/{patientId}", StringComparison.Ordinal);
    }
}
