using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Tasks;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Instances;

/// <summary>
/// Pause, resume, cancel (optionally compensating the completed steps in reverse order), delete and migrate instances,
/// each under the instance's row lock in one transaction. Pausing puts open tasks on hold; the engine holds the
/// instance's due work as it comes (it never waits on work items held by another transaction), and resuming releases it:
/// a timer that fell due meanwhile fires at once.
/// </summary>
public sealed class InstanceControl(WorkflowDbContext db, StepRunner runner, DefinitionCache definitions, TimeProvider time)
{
    public sealed record Refusal(int Status, string Title, string Detail);

    public async Task<(PathwayInstance? Instance, Refusal? Refusal)> PauseAsync(Guid id, string actor, CancellationToken ct) =>
        await ChangeAsync(id, async instance =>
        {
            if (instance.Status != InstanceStatus.Running)
            {
                return new Refusal(StatusCodes.Status409Conflict, "Only a running instance can be paused.", $"The instance is {InstanceView.StatusName(instance.Status)}.");
            }
            instance.Status = InstanceStatus.Paused;
            instance.UpdatedAt = time.GetUtcNow();
            runner.Record(instance, actor, "paused", instance.CurrentStepId, null, null);
            await SetOpenTasksAsync(instance.Id, CareTaskStatus.OnHold, ct);
            return null;
        }, ct);

    public async Task<(PathwayInstance? Instance, Refusal? Refusal)> ResumeAsync(Guid id, string actor, CancellationToken ct) =>
        await ChangeAsync(id, async instance =>
        {
            if (instance.Status != InstanceStatus.Paused)
            {
                return new Refusal(StatusCodes.Status409Conflict, "Only a paused instance can be resumed.", $"The instance is {InstanceView.StatusName(instance.Status)}.");
            }
            instance.Status = InstanceStatus.Running;
            instance.UpdatedAt = time.GetUtcNow();
            runner.Record(instance, actor, "resumed", instance.CurrentStepId, null, null);
            await SetOpenTasksAsync(instance.Id, CareTaskStatus.Ready, ct);
            // Held items are never claimed, so releasing them waits on nobody; one due meanwhile runs at the next pass.
            await db.WorkItems.Where(w => w.InstanceId == instance.Id && w.Held).ExecuteUpdateAsync(w => w.SetProperty(x => x.Held, false), ct);
            return null;
        }, ct, wakeEngine: true);

    public async Task<(PathwayInstance? Instance, Refusal? Refusal)> CancelAsync(Guid id, bool compensate, string? reason, string actor, CancellationToken ct) =>
        await ChangeAsync(id, async instance =>
        {
            if (instance.IsEnded || instance.Status == InstanceStatus.Compensating)
            {
                return new Refusal(StatusCodes.Status409Conflict, "The instance cannot be cancelled.", $"The instance is {InstanceView.StatusName(instance.Status)}.");
            }
            await CloseOpenWorkAsync(instance, actor, ct);
            runner.Record(instance, actor, "cancel.requested", instance.CurrentStepId, null, new { compensate, reason });
            foreach (var child in await db.Instances.Where(i => i.ParentInstanceId == instance.Id && (i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Paused)).ToListAsync(ct))
            {
                await InstanceLocks.LockAsync(db, [child.Id], ct);
                await CloseOpenWorkAsync(child, actor, ct);
                runner.EndInstance(child, InstanceStatus.Cancelled, "cancelled", actor);
            }
            instance.CancelRequested = true;
            if (compensate && await runner.BeginCompensationAsync(instance, ct) > 0)
            {
                runner.ScheduleCompensation(instance, null);
            }
            else
            {
                runner.EndInstance(instance, InstanceStatus.Cancelled, "cancelled", actor);
            }
            return null;
        }, ct);

    /// <summary>Erases an instance started by mistake, with its steps, history and tasks; due work left behind is discarded (and recorded) by the engine.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct) =>
        await UnitOfWork.RunAsync(db, runner, async token =>
        {
            await InstanceLocks.LockAsync(db, [id], token);
            return await db.Instances.Where(i => i.Id == id).ExecuteDeleteAsync(token) > 0;
        }, _ => true, ct);

    public sealed record MigrationRequest(Guid? PathwayId, int? FromVersion, int? ToVersion, Guid[]? InstanceIds, Dictionary<string, string>? StepMapping);

    public sealed record MigrationResult(Guid FromVersionId, Guid ToVersionId, Guid[] Migrated, MigrationRefusal[] Refused);

    public sealed record MigrationRefusal(Guid InstanceId, string Reason);

    /// <summary>
    /// Moves running and paused instances of one version to another of the same pathway: the open step keeps running under
    /// its new definition (same id, or the one <see cref="MigrationRequest.StepMapping"/> names, of the same type). An
    /// instance whose open step has no counterpart is left as it is and listed with the reason.
    /// </summary>
    public async Task<(MigrationResult? Result, Refusal? Refusal)> MigrateAsync(MigrationRequest request, string actor, CancellationToken ct)
    {
        var versions = await db.PathwayVersions.AsNoTracking()
            .Where(v => v.PathwayId == request.PathwayId && (v.Number == request.FromVersion || v.Number == request.ToVersion)).ToListAsync(ct);
        var from = versions.SingleOrDefault(v => v.Number == request.FromVersion);
        var to = versions.SingleOrDefault(v => v.Number == request.ToVersion);
        if (from is null || to is null)
        {
            return (null, new Refusal(StatusCodes.Status404NotFound, "No such version.", "Both versions must exist in the organization's pathway."));
        }
        if (to.Status != PathwayVersionStatus.Published)
        {
            return (null, new Refusal(StatusCodes.Status409Conflict, "The target version is a draft.", "Instances move only to a published version."));
        }
        var target = await definitions.GetAsync(db, to.Id, ct);
        var mapping = request.StepMapping ?? [];

        var result = await UnitOfWork.RunAsync(db, runner, async token =>
        {
            var candidates = await db.Instances.AsNoTracking()
                .Where(i => i.VersionId == from.Id && (i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Paused))
                .Where(i => request.InstanceIds == null || request.InstanceIds.Contains(i.Id))
                .Select(i => i.Id).Take(10_000).ToListAsync(token);
            await InstanceLocks.LockAsync(db, candidates, token);
            var instances = await db.Instances.Where(i => candidates.Contains(i.Id) && i.VersionId == from.Id
                && (i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Paused)).ToListAsync(token);
            var open = await db.StepExecutions.Where(s => candidates.Contains(s.InstanceId) && (s.Status == StepStatus.Active || s.Status == StepStatus.Waiting))
                .ToListAsync(token);
            var migrated = new List<Guid>();
            var refused = new List<MigrationRefusal>();
            foreach (var instance in instances)
            {
                var step = open.SingleOrDefault(s => s.InstanceId == instance.Id);
                var newId = step is null ? null : mapping.GetValueOrDefault(step.StepId, step.StepId);
                var counterpart = newId is null ? null : target.Find(newId);
                if (step is not null && counterpart is null)
                {
                    refused.Add(new(instance.Id, $"Its open step '{step.StepId}' has no counterpart in version {to.Number}: map it in stepMapping."));
                    continue;
                }
                if (step is not null && counterpart!.Type != step.StepType)
                {
                    refused.Add(new(instance.Id, $"Its open step '{step.StepId}' is a {step.StepType}; '{counterpart.Id}' in version {to.Number} is a {counterpart.Type}."));
                    continue;
                }
                if (step is not null)
                {
                    step.StepId = counterpart!.Id!;
                    instance.CurrentStepId = counterpart.Id;
                }
                instance.VersionId = to.Id;
                instance.UpdatedAt = time.GetUtcNow();
                runner.Record(instance, actor, "migrated", instance.CurrentStepId, step?.Id, new { fromVersion = from.Number, toVersion = to.Number, stepMapping = mapping });
                migrated.Add(instance.Id);
            }
            return new MigrationResult(from.Id, to.Id, [.. migrated], [.. refused]);
        }, _ => true, ct);
        return (result, null);
    }

    private async Task<(PathwayInstance?, Refusal?)> ChangeAsync(Guid id, Func<PathwayInstance, Task<Refusal?>> change, CancellationToken ct, bool wakeEngine = false)
    {
        var (instance, refusal) = await UnitOfWork.RunAsync(db, runner, async token =>
        {
            await InstanceLocks.LockAsync(db, [id], token);
            var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == id, token);
            if (instance is null)
            {
                return ((PathwayInstance?)null, (Refusal?)new Refusal(StatusCodes.Status404NotFound, "No such instance.", $"The organization has no pathway instance {id}."));
            }
            return (instance, await change(instance));
        }, r => r.Item2 is null, ct);
        if (wakeEngine && refusal is null)
        {
            runner.WakeEngine();
        }
        return (refusal is null ? instance : null, refusal);
    }

    private async Task CloseOpenWorkAsync(PathwayInstance instance, string actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var step in await db.StepExecutions.Where(s => s.InstanceId == instance.Id && (s.Status == StepStatus.Active || s.Status == StepStatus.Waiting)).ToListAsync(ct))
        {
            step.Status = StepStatus.Cancelled;
            step.EndedAt = now;
            step.Actor = actor;
            step.Outcome = "cancelled";
        }
        await SetOpenTasksAsync(instance.Id, CareTaskStatus.Cancelled, ct);
    }

    private async Task SetOpenTasksAsync(Guid instanceId, CareTaskStatus status, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var task in await db.Tasks.Where(t => t.InstanceId == instanceId && (t.Status == CareTaskStatus.Ready || t.Status == CareTaskStatus.InProgress || t.Status == CareTaskStatus.OnHold)).ToListAsync(ct))
        {
            // Resuming puts a claimed task back in progress, an unclaimed one back to ready.
            task.Status = status == CareTaskStatus.Ready && task.ClaimedBy is not null ? CareTaskStatus.InProgress : status;
            task.UpdatedAt = now;
        }
    }
}
