using System.Globalization;
using Hl7.Fhir.Model;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>An assistant call as a FHIR R4 AuditEvent: who (agent), which patient (entity), what for, the provider and model, its outcome and figures.</summary>
public static class AssistantAuditEvents
{
    public const string ExtensionBase = "urn:medicalhub:assistant";

    public static AuditEvent From(AssistantCall call)
    {
        var audit = new AuditEvent
        {
            Id = call.Id.ToString(),
            Type = new Coding("http://dicom.nema.org/resources/ontology/DCM", "110112", "Query"),
            Subtype = [new Coding($"{ExtensionBase}/purpose", call.Purpose)],
            Action = AuditEvent.AuditEventAction.E,
            Recorded = call.At,
            Outcome = call.Outcome switch
            {
                "succeeded" => AuditEvent.AuditEventOutcome.N0,
                "refused" => AuditEvent.AuditEventOutcome.N4,
                _ => AuditEvent.AuditEventOutcome.N8,
            },
            OutcomeDesc = call.Failure,
            PurposeOfEvent = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT")],
            Agent =
            [
                new AuditEvent.AgentComponent { Who = new ResourceReference { Display = call.Actor }, Requestor = true },
                new AuditEvent.AgentComponent
                {
                    Who = new ResourceReference { Display = $"{call.Provider}/{call.Model}" },
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/extra-security-role-type", "dataprocessor", "data processor"),
                    Requestor = false,
                },
            ],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "MedicalHub Workflow assistant" } },
        };
        var patient = new AuditEvent.EntityComponent { What = new ResourceReference($"Patient/{call.PatientId}"), Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person") };
        patient.Detail.AddRange(Details(call));
        audit.Entity.Add(patient);
        if (call.DocumentId is { } document)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent { What = new ResourceReference($"DocumentReference/{document}") });
        }
        return audit;
    }

    private static IEnumerable<AuditEvent.DetailComponent> Details(AssistantCall call)
    {
        AuditEvent.DetailComponent Detail(string type, string value) => new() { Type = type, Value = new FhirString(value) };
        yield return Detail("phi-policy", call.PhiPolicy.ToString().ToLowerInvariant());
        yield return Detail("input-tokens", call.InputTokens.ToString(CultureInfo.InvariantCulture));
        yield return Detail("output-tokens", call.OutputTokens.ToString(CultureInfo.InvariantCulture));
        yield return Detail("cost-estimate", call.CostEstimate.ToString(CultureInfo.InvariantCulture));
        yield return Detail("latency-ms", call.LatencyMilliseconds.ToString("0.#", CultureInfo.InvariantCulture));
        if (call.PromptHash is not null)
        {
            yield return Detail("prompt-sha256", call.PromptHash);
        }
        if (call.AnswerHash is not null)
        {
            yield return Detail("answer-sha256", call.AnswerHash);
        }
        if (call.ProviderStatus is { } status)
        {
            yield return Detail("provider-status", status.ToString(CultureInfo.InvariantCulture));
        }
    }
}
