namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>A CDS service this Workflow offers: its hook and the prefetch templates the rules read (Patient and its clinical data).</summary>
public sealed record CdsServiceDefinition(string Id, string Hook, string Title, string Description, IReadOnlyDictionary<string, string> Prefetch)
{
    public CdsServiceDescription Describe() => new(Hook, Title, Description, Id, Prefetch,
        "A MedicalHub access token (Bearer) of a member with patients:read; fhirServer, when given, is the platform's FHIR base.");
}

/// <summary>The services of <c>GET /cds-services</c>: one per hook, each deciding the organization's active rules for that hook.</summary>
public static class CdsServiceCatalog
{
    private static readonly Dictionary<string, string> PatientPrefetch = new(StringComparer.Ordinal)
    {
        ["patient"] = "Patient/{{context.patientId}}",
        ["conditions"] = "Condition?patient={{context.patientId}}",
        ["observations"] = "Observation?patient={{context.patientId}}&_sort=-date&_count=500",
        ["medicationRequests"] = "MedicationRequest?patient={{context.patientId}}&status=active",
        ["medicationStatements"] = "MedicationStatement?patient={{context.patientId}}&status=active",
        ["allergies"] = "AllergyIntolerance?patient={{context.patientId}}",
        ["immunizations"] = "Immunization?patient={{context.patientId}}",
    };

    public static readonly IReadOnlyList<CdsServiceDefinition> All =
    [
        new("medicalhub-patient-view", CdsCodes.PatientView, "MedicalHub patient summary checks",
            "Runs the organization's active decision rules for patient-view (overdue HbA1c, vaccinations, medication cautions, abnormal results without follow-up) when a patient's chart is opened.",
            PatientPrefetch),
        new("medicalhub-order-select", CdsCodes.OrderSelect, "MedicalHub order checks",
            "Runs the organization's active decision rules for order-select (allergy conflicts, duplicate therapy, metformin with reduced kidney function) on the selected draft orders.",
            PatientPrefetch),
    ];

    public static CdsServiceDefinition? Find(string id) => All.FirstOrDefault(s => s.Id == id);
}
