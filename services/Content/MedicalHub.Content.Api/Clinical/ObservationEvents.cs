using MedicalHub.Content.Api.Events;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Clinical;

/// <summary>
/// <c>observation.recorded</c>: a result became a patient's (derived from a message, or matched by hand), published through
/// the outbox in the transaction that records it. The data is what Workflow reads (docs/workflow.md): <c>patientId</c>,
/// <c>code</c>, <c>system</c>, <c>value</c> (the number, else the text), <c>unit</c>, <c>effectiveAt</c>; plus the
/// observation's and its document's ids, status and abnormal flag.
/// </summary>
public static class ObservationEvents
{
    public const string Recorded = "observation.recorded";

    public sealed record ObservationRecorded(Guid ObservationId, Guid PatientId, Guid DocumentId, string Code, string? System, object? Value, string? Unit,
        DateTimeOffset? EffectiveAt, string Status, string? AbnormalFlag);

    public static void PublishRecorded(IntegrationEventOutbox events, DbContext db, ClinicalObservation observation)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.PatientId is not { } patientId)
        {
            return;
        }
        events.Publish(db, Recorded, observation.OrganizationId, new ObservationRecorded(observation.Id, patientId, observation.SourceDocumentId,
            observation.Code, observation.CodeSystem, (object?)observation.ValueNumber ?? observation.ValueText, observation.Unit, observation.EffectiveAt,
            observation.Status, observation.AbnormalFlag));
    }
}
