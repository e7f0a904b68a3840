using System.Text.Json.Nodes;
using MedicalHub.Data.Events;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Events;

/// <summary>
/// Hands an arriving event to the event steps waiting for it (of the event's organization, for the event's patient or
/// the instance it concerns), and starts the pathways whose version in force is triggered by it. Runs in the inbox's
/// transaction: the instances are locked in id order, the steps end and the instances go on, all committed with the
/// inbox record.
/// </summary>
public sealed class WaitingSteps(WorkflowDbContext db, StepRunner runner, DefinitionCache definitions, InstanceStarter starter, EngineTelemetry telemetry,
    ILogger<WaitingSteps> logger)
{
    /// <summary>Ends the waits on <paramref name="e"/> among the open event steps of the given instances (or of the patient's instances).</summary>
    public async Task<int> ResumeAsync(IntegrationEvent e, Guid? patientId, Guid? instanceId, CancellationToken ct)
    {
        var waiting = db.StepExecutions.AsNoTracking().Where(s => s.Status == StepStatus.Waiting && s.WaitEventType == e.Type);
        waiting = instanceId is { } instance ? waiting.Where(s => s.InstanceId == instance) : waiting.Where(s => s.PatientId == patientId);
        var candidates = await waiting.Select(s => s.InstanceId).Distinct().Take(1000).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return 0;
        }
        await InstanceLocks.LockAsync(db, candidates, ct);
        var instances = await db.Instances.Where(i => candidates.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var steps = await db.StepExecutions.Where(s => candidates.Contains(s.InstanceId) && s.Status == StepStatus.Waiting && s.WaitEventType == e.Type)
            .OrderBy(s => s.InstanceId).ToListAsync(ct);
        var resumed = 0;
        foreach (var step in steps)
        {
            var owner = instances[step.InstanceId];
            if (owner.IsEnded || owner.Status == InstanceStatus.Compensating)
            {
                continue;
            }
            var document = await definitions.GetAsync(db, owner.VersionId, ct);
            if (document.Find(step.StepId)?.Event is not { } wait || !EventData.Matches(e.Data, wait.Where))
            {
                continue;
            }
            var data = JsonNode.Parse(e.Data.GetRawText());
            owner.LastEvent = new JsonObject { ["type"] = e.Type, ["messageId"] = e.MessageId.ToString(), ["occurredAt"] = e.OccurredAt.ToString("O"), ["data"] = data }.ToJsonString();
            runner.Record(owner, $"event:{e.MessageId}", "event.received", step.StepId, step.Id, new { e.Type, e.MessageId });
            await runner.CompleteWaitingStepAsync(owner, step, "received", $"event:{e.MessageId}", data?.DeepClone(), null, ct);
            resumed++;
        }
        return resumed;
    }

    /// <summary>Starts, for the event's patient, every pathway whose version in force is triggered by this event type and whose condition matches.</summary>
    public async Task<int> StartTriggeredAsync(IntegrationEvent e, Guid patientId, CancellationToken ct)
    {
        var triggered = await db.CarePathways.AsNoTracking()
            .Where(p => p.Status == CarePathwayStatus.Active && p.CurrentVersionId != null)
            .Join(db.PathwayVersions.AsNoTracking().Where(v => v.TriggerEvent == e.Type), p => p.CurrentVersionId, v => v.Id, (p, v) => new { p.Id, v.Document })
            .ToListAsync(ct);
        var started = 0;
        foreach (var pathway in triggered)
        {
            var document = PathwayDocument.TryParse(pathway.Document, out _);
            if (document?.Trigger is not { } trigger || !EventData.Matches(e.Data, trigger.Where))
            {
                continue;
            }
            var (instances, refusal) = await starter.StartAsync(pathway.Id, [new(patientId, null, $"event:{e.MessageId}:{pathway.Id}")], "event", $"event:{e.MessageId}", ct);
            if (refusal is not null)
            {
                // An event for a patient this organization's copy does not know (yet): nothing to start, and nothing to retry.
                logger.LogInformation("Event {MessageId} ({Type}) did not start pathway {PathwayId}: {Reason}", e.MessageId, e.Type, pathway.Id, refusal.Title);
                continue;
            }
            started += instances.Count(i => !i.Replayed);
        }
        return started;
    }

    public void Count(IntegrationEvent e, string result) =>
        telemetry.EventsReceived.Add(1, new KeyValuePair<string, object?>("type", e.Type), new KeyValuePair<string, object?>("result", result));
}
