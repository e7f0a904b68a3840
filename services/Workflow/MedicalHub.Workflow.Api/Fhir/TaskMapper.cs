using System.Globalization;
using Hl7.Fhir.Model;
using MedicalHub.Workflow.Api.Tasks;

namespace MedicalHub.Workflow.Api.Fhir;

/// <summary>
/// A task as FHIR R4 <c>Task</c>: status and priority by FHIR's codes, <c>for</c> the patient, <c>owner</c> the member who
/// holds it (claimed, or assigned), <c>performerType</c> the role, <c>restriction.period.end</c> the due date,
/// <c>basedOn</c> the pathway instance (as CarePlan), linked documents and patients as inputs, the outcome as an output
/// and <c>businessStatus</c>, the note as a note. <c>meta.versionId</c> changes with every change (ETag for If-Match).
/// </summary>
public static class TaskMapper
{
    public const string OutcomeCodeSystem = "https://medicalhub.health/fhir/CodeSystem/task-outcome";
    public const string LinkSystem = "https://medicalhub.health/fhir/CodeSystem/task-link";

    public static Hl7.Fhir.Model.Task ToFhir(CareTask t)
    {
        var task = new Hl7.Fhir.Model.Task
        {
            Id = t.Id.ToString(),
            Meta = new Meta { VersionId = t.RowVersion.ToString(CultureInfo.InvariantCulture), LastUpdated = t.UpdatedAt },
            Status = StatusOf(t.Status),
            Intent = Hl7.Fhir.Model.Task.TaskIntent.Order,
            Priority = PlanDefinitionMapper.PriorityOf(t.Priority),
            Description = t.Title,
            AuthoredOn = t.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            LastModified = t.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            Code = new CodeableConcept("https://medicalhub.health/fhir/CodeSystem/task-kind", t.Kind),
        };
        if (t.Description is { } description)
        {
            task.Code.Text = description;
        }
        if (t.PatientId is { } patient)
        {
            task.For = new ResourceReference($"Patient/{patient}");
        }
        if ((t.ClaimedBy ?? t.AssignedUserId) is { } owner)
        {
            task.Owner = new ResourceReference($"Practitioner/{owner}");
        }
        if (t.AssignedRole is { } role)
        {
            task.PerformerType.Add(new CodeableConcept(PlanDefinitionMapper.RoleSystem, role, role));
        }
        if (t.DueAt is { } due)
        {
            task.Restriction = new Hl7.Fhir.Model.Task.RestrictionComponent { Period = new Period { End = due.ToString("O", CultureInfo.InvariantCulture) } };
        }
        if (t.InstanceId is { } instance)
        {
            task.BasedOn.Add(new ResourceReference($"CarePlan/{instance}"));
        }
        if (t.ClaimedAt is { } claimed)
        {
            task.ExecutionPeriod = new Period { Start = claimed.ToString("O", CultureInfo.InvariantCulture), End = t.CompletedAt?.ToString("O", CultureInfo.InvariantCulture) };
        }
        foreach (var document in t.LinkedDocumentIds)
        {
            task.Input.Add(new Hl7.Fhir.Model.Task.ParameterComponent { Type = new CodeableConcept(LinkSystem, "document"), Value = new ResourceReference($"DocumentReference/{document}") });
        }
        foreach (var linked in t.LinkedPatientIds)
        {
            task.Input.Add(new Hl7.Fhir.Model.Task.ParameterComponent { Type = new CodeableConcept(LinkSystem, "patient"), Value = new ResourceReference($"Patient/{linked}") });
        }
        if (t.Outcome is { } outcome)
        {
            task.BusinessStatus = new CodeableConcept(OutcomeCodeSystem, outcome, outcome);
            task.Output.Add(new Hl7.Fhir.Model.Task.OutputComponent { Type = new CodeableConcept(OutcomeCodeSystem, "outcome"), Value = new Code(outcome) });
        }
        if (t.Note is { } note)
        {
            task.Note.Add(new Annotation { Text = note, Time = t.CompletedAt?.ToString("O", CultureInfo.InvariantCulture) });
        }
        if (t.AllowedOutcomes is { Length: > 0 } allowed)
        {
            task.Extension.Add(new Extension("https://medicalhub.health/fhir/StructureDefinition/task-allowed-outcomes", new FhirString(string.Join(",", allowed))));
        }
        return task;
    }

    public static Hl7.Fhir.Model.Task.TaskStatus StatusOf(CareTaskStatus status) => status switch
    {
        CareTaskStatus.Ready => Hl7.Fhir.Model.Task.TaskStatus.Ready,
        CareTaskStatus.InProgress => Hl7.Fhir.Model.Task.TaskStatus.InProgress,
        CareTaskStatus.OnHold => Hl7.Fhir.Model.Task.TaskStatus.OnHold,
        CareTaskStatus.Completed => Hl7.Fhir.Model.Task.TaskStatus.Completed,
        _ => Hl7.Fhir.Model.Task.TaskStatus.Cancelled,
    };

    /// <summary>The outcome an updated Task carries: its <c>output</c> of type outcome, else its <c>businessStatus</c>.</summary>
    public static string? OutcomeOf(Hl7.Fhir.Model.Task task) =>
        task.Output.FirstOrDefault(o => o.Type?.Coding.Any(c => c.Code == "outcome") == true)?.Value switch
        {
            Code code => code.Value,
            FhirString text => text.Value,
            CodeableConcept concept => concept.Coding.FirstOrDefault()?.Code ?? concept.Text,
            _ => null,
        } ?? task.BusinessStatus?.Coding.FirstOrDefault()?.Code ?? task.BusinessStatus?.Text;
}
