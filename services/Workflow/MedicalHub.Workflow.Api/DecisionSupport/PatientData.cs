using Hl7.Fhir.Model;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>
/// The patient's FHIR data a hook is decided on, as the rules see it: <c>%patient</c>, <c>%observations</c>,
/// <c>%conditions</c>, <c>%medications</c> (MedicationRequest and MedicationStatement), <c>%allergies</c>,
/// <c>%immunizations</c>, <c>%tasks</c> (Workflow's tasks for the patient), and for <c>order-select</c>
/// <c>%draftOrders</c> and <c>%selections</c> (the draft orders the user selected).
/// </summary>
public sealed class PatientData
{
    public required Patient Patient { get; init; }

    public List<Observation> Observations { get; init; } = [];

    public List<Condition> Conditions { get; init; } = [];

    public List<DomainResource> Medications { get; init; } = [];

    public List<AllergyIntolerance> Allergies { get; init; } = [];

    public List<Immunization> Immunizations { get; init; } = [];

    public List<Hl7.Fhir.Model.Task> Tasks { get; init; } = [];

    public List<Resource> DraftOrders { get; init; } = [];

    public List<Resource> Selections { get; init; } = [];

    /// <summary>The kinds of data that could not be had (the FHIR server does not serve them): rules are decided without them.</summary>
    public List<string> Missing { get; init; } = [];

    /// <summary>Sorts the resources of a bundle (a sample patient, a prefetch) into their lists; the first Patient is the patient.</summary>
    public static PatientData? FromResources(IEnumerable<Resource> resources)
    {
        Patient? patient = null;
        var data = new List<Resource>();
        foreach (var resource in resources)
        {
            if (resource is Patient p)
            {
                patient ??= p;
            }
            else
            {
                data.Add(resource);
            }
        }
        if (patient is null)
        {
            return null;
        }
        var result = new PatientData { Patient = patient };
        result.Add(data);
        return result;
    }

    public void Add(IEnumerable<Resource> resources)
    {
        foreach (var resource in resources)
        {
            switch (resource)
            {
                case Observation o: Observations.Add(o); break;
                case Condition c: Conditions.Add(c); break;
                case MedicationRequest or MedicationStatement: Medications.Add((DomainResource)resource); break;
                case AllergyIntolerance a: Allergies.Add(a); break;
                case Immunization i: Immunizations.Add(i); break;
                case Hl7.Fhir.Model.Task t: Tasks.Add(t); break;
            }
        }
    }
}
