using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using MedicalHub.EndToEnd.Tests.Workflow;

namespace MedicalHub.EndToEnd.Tests.DecisionSupport;

/// <summary>A CDS Hooks client of the suite's Workflow: hook requests as a stock client (an EHR) sends them, with prefetched FHIR data.</summary>
internal sealed class CdsHooksClient(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public WorkflowClient Workflow { get; } = new(stack);

    public const string PatientView = "medicalhub-patient-view";
    public const string OrderSelect = "medicalhub-order-select";

    public async Task<(int Status, JsonElement Body)> PostAsync(string path, string? token, string json)
    {
        using var response = await Workflow.SendJsonAsync(HttpMethod.Post, path, token, json);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(int Status, JsonElement Body)> HookAsync(string service, string? token, JsonObject request) => PostAsync($"/cds-services/{service}", token, request.ToJsonString());

    /// <summary>A patient-view (or order-select) request for <paramref name="patientId"/> with the given prefetch.</summary>
    public static JsonObject Request(string hook, Guid patientId, JsonObject? prefetch, JsonObject? extraContext = null)
    {
        var context = new JsonObject { ["userId"] = "Practitioner/example", ["patientId"] = patientId.ToString() };
        foreach (var (name, value) in extraContext ?? [])
        {
            context[name] = value?.DeepClone();
        }
        var request = new JsonObject { ["hook"] = hook, ["hookInstance"] = Guid.NewGuid().ToString(), ["context"] = context };
        if (prefetch is not null)
        {
            request["prefetch"] = prefetch;
        }
        return request;
    }

    public static JsonObject Patient(Guid id, string birthDate = "1970-03-01") => new() { ["resourceType"] = "Patient", ["id"] = id.ToString(), ["birthDate"] = birthDate };

    /// <summary>A searchset Bundle; without resources it has no <c>entry</c> (an empty array is not valid FHIR JSON).</summary>
    public static JsonObject Searchset(params JsonObject[] resources)
    {
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["total"] = resources.Length };
        if (resources.Length > 0)
        {
            bundle["entry"] = new JsonArray([.. resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r })]);
        }
        return bundle;
    }

    public static JsonObject Coded(string system, string code, string? display = null)
    {
        var coding = new JsonObject { ["system"] = system, ["code"] = code };
        var concept = new JsonObject { ["coding"] = new JsonArray(coding) };
        if (display is not null)
        {
            coding["display"] = display;
            concept["text"] = display;
        }
        return concept;
    }

    public static JsonObject Diabetes(Guid patient) => new()
    {
        ["resourceType"] = "Condition",
        ["clinicalStatus"] = Coded("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
        ["code"] = Coded("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2"),
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
    };

    public static JsonObject Lab(Guid patient, string loinc, decimal value, string unit, DateTimeOffset at, string? id = null) => new()
    {
        ["resourceType"] = "Observation",
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["status"] = "final",
        ["code"] = Coded("http://loinc.org", loinc),
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["effectiveDateTime"] = at.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
        ["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = unit },
    };

    /// <summary>A full prefetch for a diabetic patient whose last HbA1c is eight months old (the HbA1c rule fires).</summary>
    public static JsonObject DiabeticPrefetch(Guid patient) => new()
    {
        ["patient"] = Patient(patient),
        ["conditions"] = Searchset(Diabetes(patient)),
        ["observations"] = Searchset(Lab(patient, "4548-4", 7.4m, "%", DateTimeOffset.UtcNow.AddMonths(-8))),
        ["medicationRequests"] = Searchset(),
        ["medicationStatements"] = Searchset(),
        ["allergies"] = Searchset(),
        ["immunizations"] = Searchset(),
    };

    public void Dispose() => Workflow.Dispose();
}
