using MedicalHub.Data.Events;
using MedicalHub.Data.Inbox;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Events;

/// <summary>
/// <c>patient.created</c>, <c>patient.updated</c>: keeps the known-patient copy (an older event never overwrites a newer
/// one). <c>patient.merged</c>: marks the merged record and moves its open instances and tasks to the surviving record.
/// Data as Content publishes it (docs/content.md, Events): <c>patientId</c>; optional <c>active</c>, <c>birthDate</c>,
/// <c>gender</c>, <c>email</c>, <c>locale</c>; for a merge <c>survivorId</c> and <c>mergedId</c>.
/// </summary>
public sealed class PatientEventsHandler(WorkflowDbContext db, WaitingSteps waiting, StepRunner runner, TimeProvider time) : IIntegrationEventConsumer
{
    public bool ReactsTo(string type) => type is IntegrationEventTypes.PatientCreated or IntegrationEventTypes.PatientUpdated or IntegrationEventTypes.PatientMerged;

    public async Task HandleAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var (e, ct) = (integrationEvent, cancellationToken);
        if (e.Type == IntegrationEventTypes.PatientMerged)
        {
            await MergeAsync(e, EventData.RequiredId(e.Data, e.Type, "survivorId"), EventData.RequiredId(e.Data, e.Type, "mergedId"), ct);
            return;
        }
        var patientId = EventData.RequiredId(e.Data, e.Type, "patientId");
        var patient = await UpsertAsync(e, patientId, ct);
        if (patient.EventAt == e.OccurredAt)
        {
            patient.Status = EventData.Flag(e.Data, "active") == false ? KnownPatientStatus.Inactive : patient.Status == KnownPatientStatus.Merged ? KnownPatientStatus.Merged : KnownPatientStatus.Active;
            patient.BirthDate = EventData.Date(e.Data, "birthDate") is { } born ? DateOnly.FromDateTime(born.UtcDateTime) : patient.BirthDate;
            patient.Gender = Limit(EventData.Text(e.Data, "gender"), 20) ?? patient.Gender;
            patient.Email = Limit(EventData.Text(e.Data, "email"), 320) ?? patient.Email;
            patient.Locale = Limit(EventData.Text(e.Data, "locale"), 35) ?? patient.Locale;
        }
        await db.SaveChangesAsync(ct);
        if (e.Type == IntegrationEventTypes.PatientCreated)
        {
            await waiting.StartTriggeredAsync(e, patientId, ct);
        }
        else
        {
            await waiting.ResumeAsync(e, patientId, null, ct);
        }
    }

    /// <summary>The copy of the patient, created if new; stamped with the event's time unless a newer event came first.</summary>
    private async Task<KnownPatient> UpsertAsync(IntegrationEvent e, Guid patientId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var patient = await db.KnownPatients.SingleOrDefaultAsync(p => p.PatientId == patientId, ct);
        if (patient is null)
        {
            patient = new KnownPatient { OrganizationId = e.OrganizationId, PatientId = patientId, EventAt = e.OccurredAt, UpdatedAt = now };
            db.KnownPatients.Add(patient);
        }
        else if (patient.EventAt <= e.OccurredAt)
        {
            patient.EventAt = e.OccurredAt;
            patient.UpdatedAt = now;
        }
        return patient;
    }

    private async Task MergeAsync(IntegrationEvent e, Guid survivorId, Guid mergedId, CancellationToken ct)
    {
        if (survivorId == mergedId)
        {
            throw new InvalidIntegrationEventException("A patient.merged event names two different records.");
        }
        await UpsertAsync(e with { OccurredAt = DateTimeOffset.MinValue }, survivorId, ct);
        var merged = await UpsertAsync(e, mergedId, ct);
        merged.Status = KnownPatientStatus.Merged;
        merged.MergedInto = survivorId;

        var open = await db.Instances.AsNoTracking().Where(i => i.PatientId == mergedId && i.EndedAt == null).Select(i => i.Id).ToListAsync(ct);
        await InstanceLocks.LockAsync(db, open, ct);
        foreach (var instance in await db.Instances.Where(i => open.Contains(i.Id)).ToListAsync(ct))
        {
            instance.PatientId = survivorId;
            runner.Record(instance, $"event:{e.MessageId}", "patient.merged", instance.CurrentStepId, null, new { from = mergedId, to = survivorId });
        }
        await db.StepExecutions.Where(s => open.Contains(s.InstanceId)).ExecuteUpdateAsync(s => s.SetProperty(x => x.PatientId, survivorId), ct);
        await db.Tasks.Where(t => t.PatientId == mergedId && (t.Status == Tasks.CareTaskStatus.Ready || t.Status == Tasks.CareTaskStatus.InProgress || t.Status == Tasks.CareTaskStatus.OnHold))
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.PatientId, survivorId).SetProperty(x => x.UpdatedAt, time.GetUtcNow()), ct);
    }

    private static string? Limit(string? value, int length) => value is null || value.Length <= length ? value : null;
}

/// <summary>
/// <c>document.ingested</c> (data: <c>documentId</c>, <c>patientId</c>, <c>category</c>) and <c>observation.recorded</c>
/// (data: <c>patientId</c>, <c>code</c>, <c>system</c>, <c>value</c> (number or text), <c>unit</c>, <c>effectiveAt</c>): an
/// observation updates the patient's latest value of its code; both end the event steps waiting for them and start the
/// pathways they trigger. <c>condition.recorded</c> (data: <c>patientId</c>, <c>code</c>, <c>system</c>, <c>clinicalStatus</c>)
/// does the same, e.g. a diabetes diagnosis starting the diabetes follow-up (a trigger's <c>where</c> on <c>code</c>). An
/// event without a patient is recorded and changes nothing.
/// </summary>
public sealed class ClinicalEventsHandler(WorkflowDbContext db, WaitingSteps waiting, TimeProvider time) : IIntegrationEventConsumer
{
    public bool ReactsTo(string type) =>
        type is IntegrationEventTypes.DocumentIngested or IntegrationEventTypes.ObservationRecorded or IntegrationEventTypes.ConditionRecorded;

    public async Task HandleAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var (e, ct) = (integrationEvent, cancellationToken);
        if (EventData.Id(e.Data, "patientId") is not { } patientId)
        {
            return;
        }
        if (e.Type == IntegrationEventTypes.ObservationRecorded)
        {
            var code = EventData.Text(e.Data, "code");
            if (code is null or { Length: 0 or > 100 })
            {
                throw new InvalidIntegrationEventException("An observation.recorded event needs data.code (1 to 100 characters).");
            }
            var effective = EventData.Date(e.Data, "effectiveAt") ?? e.OccurredAt;
            var observation = await db.PatientObservations.SingleOrDefaultAsync(o => o.PatientId == patientId && o.Code == code, ct);
            if (observation is null)
            {
                observation = new PatientObservation { OrganizationId = e.OrganizationId, PatientId = patientId, Code = code };
                db.PatientObservations.Add(observation);
            }
            if (observation.UpdatedAt == default || observation.EffectiveAt <= effective)
            {
                observation.System = Truncate(EventData.Text(e.Data, "system"), 200);
                observation.ValueNumber = EventData.Number(e.Data, "value");
                observation.ValueText = observation.ValueNumber is null ? Truncate(EventData.Text(e.Data, "value"), 500) : null;
                observation.Unit = Truncate(EventData.Text(e.Data, "unit"), 50);
                observation.EffectiveAt = effective;
                observation.UpdatedAt = time.GetUtcNow();
            }
            await db.SaveChangesAsync(ct);
        }
        await waiting.ResumeAsync(e, patientId, null, ct);
        await waiting.StartTriggeredAsync(e, patientId, ct);
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}

/// <summary>
/// <c>delivery.*</c> from Communication (data: <c>notificationId</c>, optional <c>channel</c>): records the delivery status of
/// a notification a pathway sent, and ends the event steps of that instance waiting for this delivery event.
/// </summary>
public sealed class DeliveryEventsHandler(WorkflowDbContext db, WaitingSteps waiting, TimeProvider time) : IIntegrationEventConsumer
{
    public bool ReactsTo(string type) => type.StartsWith(IntegrationEventTypes.DeliveryPrefix, StringComparison.Ordinal);

    public async Task HandleAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var (e, ct) = (integrationEvent, cancellationToken);
        var notificationId = EventData.RequiredId(e.Data, e.Type, "notificationId");
        var sent = await db.SentNotifications.Where(n => n.NotificationId == notificationId).ToListAsync(ct);
        var status = e.Type[IntegrationEventTypes.DeliveryPrefix.Length..];
        foreach (var notification in sent)
        {
            notification.Status = status.Length <= 20 ? status : status[..20];
            notification.UpdatedAt = time.GetUtcNow();
        }
        await db.SaveChangesAsync(ct);
        foreach (var instanceId in sent.Select(n => n.InstanceId).Distinct())
        {
            await waiting.ResumeAsync(e, null, instanceId, ct);
        }
    }
}
