using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.Data.Outbox;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using MedicalHub.Workflow.Api.Notifications;
using MedicalHub.Workflow.Api.Tasks;
using MedicalHub.Workflow.Api.Timers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// Carries instances through their steps, in the caller's unit of work: the caller holds the instances' row locks
/// (<see cref="InstanceLocks"/>) inside a transaction, calls the runner, saves and commits, then calls
/// <see cref="AfterCommit"/>. Entering a step does what the step does (creates the task, queues the notification in the
/// outbox, schedules the timer…); a step that needs no waiting ends at once and the next one is entered, until a step
/// waits or the instance ends. Everything a step changes commits with the step, so a step's effect on Workflow's own
/// data happens exactly once; calls to other services carry the step's id as idempotency key.
/// </summary>
public sealed class StepRunner(
    WorkflowDbContext db,
    DefinitionCache definitions,
    FactsLoader factsLoader,
    PathwayNotifications notifications,
    ServiceCalls calls,
    EngineTelemetry telemetry,
    EngineSignal engineSignal,
    CallSignal callSignal,
    OutboxSignal<WorkflowDbContext> outboxSignal,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<StepRunner> logger)
{
    private readonly EngineOptions _options = options.Value;
    private bool _wakeEngine;
    private bool _wakeCalls;
    private bool _wakeOutbox;

    public const string EngineActor = "engine";

    /// <summary>Which replica carried a timer out (host and process), recorded in the timer step's result.</summary>
    public static readonly string ReplicaName = $"{Environment.MachineName}:{Environment.ProcessId}";
    public const string TimerActor = "timer";

    /// <summary>What became of a work item: done (delete it), held (its instance is paused), or to be tried again at a later time.</summary>
    public enum Disposition
    {
        Done,
        Held,
        Retry,
    }

    /// <summary>Wakes this replica's workers for work committed just now (due timers, service calls, outbox messages).</summary>
    public void AfterCommit()
    {
        if (_wakeEngine)
        {
            engineSignal.Wake();
        }
        if (_wakeCalls)
        {
            callSignal.Wake();
        }
        if (_wakeOutbox)
        {
            outboxSignal.Wake();
        }
        _wakeEngine = _wakeCalls = _wakeOutbox = false;
    }

    /// <summary>Wakes this replica's engine after the commit (work released by a resume).</summary>
    public void WakeEngine() => engineSignal.Wake();

    public async Task StartAsync(PathwayInstance instance, CancellationToken ct)
    {
        var document = await definitions.GetAsync(db, instance.VersionId, ct);
        telemetry.InstancesStarted.Add(1, new KeyValuePair<string, object?>("trigger", instance.Trigger));
        Record(instance, instance.StartedBy, "started", null, null, new { instance.Trigger, instance.VersionId });
        await EnterAsync(instance, document, document.Find(document.Start)!, new Budget(_options.MaxStepsPerAdvance), ct);
    }

    /// <summary>Ends a waiting step (a completed task, an event that arrived) and carries the instance on.</summary>
    public async Task CompleteWaitingStepAsync(PathwayInstance instance, StepExecution execution, string outcome, string actor, JsonNode? result, string? note, CancellationToken ct)
    {
        var document = await definitions.GetAsync(db, instance.VersionId, ct);
        var step = document.Find(execution.StepId) ?? throw new InvalidOperationException($"Step '{execution.StepId}' is not in version {instance.VersionId}.");
        await CompleteAsync(instance, document, step, execution, outcome, actor, result, note, new Budget(_options.MaxStepsPerAdvance), ct);
    }

    /// <summary>Carries out one claimed work item; the instance (null when deleted) and the step execution are loaded and locked by the caller.</summary>
    public async Task<(Disposition Disposition, DateTimeOffset? RetryAt)> ProcessAsync(WorkItem item, PathwayInstance? instance, StepExecution? execution, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (instance is null)
        {
            db.DiscardedWorkItems.Add(new DiscardedWorkItem
            {
                OrganizationId = item.OrganizationId, InstanceId = item.InstanceId, StepExecutionId = item.StepExecutionId, Kind = item.Kind,
                DueAt = item.DueAt, DiscardedAt = now, Reason = "The instance was deleted.",
            });
            telemetry.WorkDiscarded.Add(1, new KeyValuePair<string, object?>("kind", item.Kind));
            logger.LogInformation("Discarded a {Kind} work item of deleted instance {InstanceId}", item.Kind, item.InstanceId);
            return (Disposition.Done, null);
        }
        if (instance.Status == InstanceStatus.Paused && item.Kind != WorkKinds.Sla)
        {
            return (Disposition.Held, null);
        }
        if (instance.IsEnded)
        {
            if (item.Kind != WorkKinds.Sla)
            {
                Record(instance, EngineActor, "work.ignored", execution?.StepId, execution?.Id, new { item.Kind, reason = $"the instance is {instance.Status.ToString().ToLowerInvariant()}" });
            }
            telemetry.WorkDiscarded.Add(1, new KeyValuePair<string, object?>("kind", item.Kind));
            return (Disposition.Done, null);
        }

        var document = await definitions.GetAsync(db, instance.VersionId, ct);
        var step = execution is null ? null : document.Find(execution.StepId);
        if (execution is not null && step is null)
        {
            Fail(instance, $"Step '{execution.StepId}' is not in the version the instance runs.");
            return (Disposition.Done, null);
        }
        var budget = new Budget(_options.MaxStepsPerAdvance);
        switch (item.Kind)
        {
            case WorkKinds.Timer when execution is { Status: StepStatus.Waiting, StepType: StepTypes.Timer }:
                telemetry.TimersFired.Add(1);
                telemetry.TimerLateness.Record((now - item.DueAt).TotalMilliseconds);
                await CompleteAsync(instance, document, step!, execution, "fired", TimerActor,
                    new JsonObject { ["dueAt"] = item.DueAt.ToString("O"), ["firedBy"] = ReplicaName }, null, budget, ct);
                return (Disposition.Done, null);

            case WorkKinds.Timeout when execution is { Status: StepStatus.Waiting }:
                await CancelTasksOfStepAsync(execution.Id, "The step waited longer than its timeout.", ct);
                await CompleteAsync(instance, document, step!, execution, "timeout", TimerActor, null, null, budget, ct);
                return (Disposition.Done, null);

            case WorkKinds.Sla when execution is { IsOpen: true, SlaBreachedAt: null }:
                BreachSla(instance, step!, execution, now);
                return (Disposition.Done, null);

            case WorkKinds.Run when execution is { Status: StepStatus.Completed }:
                await AdvanceAsync(instance, document, step!, execution, budget, ct);
                return (Disposition.Done, null);

            case WorkKinds.ChildEnded when execution is { Status: StepStatus.Waiting, StepType: StepTypes.SubPathway }:
                var childId = ChildOf(execution);
                var child = await db.Instances.AsNoTracking().Where(i => i.Id == childId).Select(i => new { i.Status, i.Outcome }).SingleOrDefaultAsync(ct);
                if (child is not null && child.Status is InstanceStatus.Completed or InstanceStatus.Cancelled or InstanceStatus.Failed)
                {
                    await CompleteAsync(instance, document, step!, execution, child.Outcome ?? child.Status.ToString().ToLowerInvariant(), $"instance:{childId}", null, null, budget, ct);
                }
                return (Disposition.Done, null);

            case WorkKinds.Call when execution is { Status: StepStatus.Active, StepType: StepTypes.ServiceCall }:
                return await CallAsync(instance, document, step!, execution, budget, ct);

            case WorkKinds.Compensate when instance.Status == InstanceStatus.Compensating:
                return await CompensateNextAsync(instance, document, execution, budget, ct);

            default:
                // The step moved on meanwhile (a task completed before its timeout, an event before the timer): nothing to do.
                return (Disposition.Done, null);
        }
    }

    /// <summary>Records the compensations of the instance's completed steps (newest first); returns how many are pending.</summary>
    public async Task<int> BeginCompensationAsync(PathwayInstance instance, CancellationToken ct)
    {
        var document = await definitions.GetAsync(db, instance.VersionId, ct);
        var existing = await db.Compensations.Where(c => c.InstanceId == instance.Id).ToListAsync(ct);
        // Steps completed earlier, and those completed in this unit of work (not saved yet).
        var completed = (await db.StepExecutions.Where(s => s.InstanceId == instance.Id && s.Status == StepStatus.Completed).ToListAsync(ct))
            .Concat(db.TrackedStepExecutions(instance.Id)
                .Where(e => e.State == EntityState.Added && e.Entity.Status == StepStatus.Completed).Select(e => e.Entity))
            .DistinctBy(e => e.Id)
            .OrderByDescending(s => s.Sequence)
            .ToList();
        var order = existing.Count == 0 ? 0 : existing.Max(c => c.Order);
        var now = time.GetUtcNow();
        var added = 0;
        foreach (var execution in completed.Where(e => document.Find(e.StepId)?.Compensation is not null && existing.All(c => c.StepExecutionId != e.Id)))
        {
            db.Compensations.Add(new Compensation
            {
                OrganizationId = instance.OrganizationId, InstanceId = instance.Id, StepExecutionId = execution.Id, StepId = execution.StepId,
                Order = ++order, CreatedAt = now,
            });
            added++;
        }
        var pending = existing.Count(c => c.Status == CompensationStatus.Pending) + added;
        if (pending > 0)
        {
            instance.Status = InstanceStatus.Compensating;
            instance.UpdatedAt = now;
            Record(instance, EngineActor, "compensation.started", null, null, new { pending });
        }
        return pending;
    }

    /// <summary>Queues the engine's next compensation for the instance (after <see cref="BeginCompensationAsync"/>).</summary>
    public void ScheduleCompensation(PathwayInstance instance, Guid? compensateStepExecutionId) =>
        AddWork(instance, compensateStepExecutionId, WorkKinds.Compensate, time.GetUtcNow());

    public void EndInstance(PathwayInstance instance, InstanceStatus status, string outcome, string actor)
    {
        var now = time.GetUtcNow();
        instance.Status = status;
        instance.Outcome = outcome;
        instance.EndedAt = now;
        instance.UpdatedAt = now;
        instance.CurrentStepId = null;
        instance.CancelRequested = false;
        telemetry.InstancesEnded.Add(1, new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
        Record(instance, actor, status.ToString().ToLowerInvariant(), null, null, new { outcome });
        if (instance is { ParentInstanceId: { } parent, ParentStepExecutionId: { } parentStep })
        {
            // The parent is carried on by the engine, under its own lock (never two instances' locks out of order here).
            db.WorkItems.Add(new WorkItem
            {
                OrganizationId = instance.OrganizationId, InstanceId = parent, StepExecutionId = parentStep, Kind = WorkKinds.ChildEnded,
                DueAt = now, CreatedAt = now,
            });
            _wakeEngine = true;
        }
    }

    public void Record(PathwayInstance instance, string actor, string action, string? stepId, Guid? stepExecutionId, object? detail) =>
        db.History.Add(new InstanceHistoryEntry
        {
            OrganizationId = instance.OrganizationId,
            InstanceId = instance.Id,
            At = time.GetUtcNow(),
            Actor = actor,
            Action = action,
            StepId = stepId,
            StepExecutionId = stepExecutionId,
            Detail = detail is null ? null : JsonSerializer.Serialize(detail, JsonSerializerOptions.Web),
        });

    private async Task EnterAsync(PathwayInstance instance, PathwayDocument document, StepDefinition step, Budget budget, CancellationToken ct)
    {
        if (!budget.Take())
        {
            Fail(instance, $"More than {_options.MaxStepsPerAdvance} steps in a row without a wait (at '{step.Id}').");
            return;
        }
        var now = time.GetUtcNow();
        var execution = new StepExecution
        {
            OrganizationId = instance.OrganizationId,
            InstanceId = instance.Id,
            PatientId = instance.PatientId,
            StepId = step.Id!,
            StepType = step.Type!,
            Sequence = ++instance.StepCount,
            StartedAt = now,
            SlaDueAt = step.Sla is null ? null : IsoDuration.Parse(step.Sla).AddTo(now),
        };
        db.StepExecutions.Add(execution);
        instance.CurrentStepId = step.Id;
        instance.UpdatedAt = now;
        if (execution.SlaDueAt is { } slaDue)
        {
            AddWork(instance, execution.Id, WorkKinds.Sla, slaDue);
        }

        switch (step.Type)
        {
            case StepTypes.Task:
                var spec = step.Task!;
                db.Tasks.Add(new CareTask
                {
                    OrganizationId = instance.OrganizationId,
                    InstanceId = instance.Id,
                    StepExecutionId = execution.Id,
                    PatientId = instance.PatientId,
                    Kind = "pathway",
                    Title = spec.Title!,
                    Description = spec.Description ?? step.Description,
                    AssignedRole = spec.Role,
                    AssignedUserId = spec.UserId,
                    Priority = spec.Priority ?? TaskPriorities.Routine,
                    DueAt = spec.DueIn is null ? null : IsoDuration.Parse(spec.DueIn).AddTo(now),
                    AllowedOutcomes = spec.Outcomes?.ToArray(),
                    CreatedAt = now,
                    UpdatedAt = now,
                });
                telemetry.TasksCreated.Add(1, new KeyValuePair<string, object?>("kind", "pathway"));
                execution.Status = StepStatus.Waiting;
                if (spec.Timeout is not null)
                {
                    AddWork(instance, execution.Id, WorkKinds.Timeout, IsoDuration.Parse(spec.Timeout).AddTo(now));
                }
                return;

            case StepTypes.Notification:
                var facts = await factsLoader.LoadAsync(instance, null, ct);
                switch (await notifications.QueueAsync(instance, step.Notification!, facts, execution.Id, null, ct))
                {
                    case PathwayNotifications.Queued queued:
                        _wakeOutbox = true;
                        await CompleteAsync(instance, document, step, execution, "sent", EngineActor, new JsonObject { ["outboxMessageId"] = queued.MessageId.ToString() }, null, budget, ct);
                        break;
                    case PathwayNotifications.Skipped skipped:
                        await CompleteAsync(instance, document, step, execution, "skipped", EngineActor, null, skipped.Reason, budget, ct);
                        break;
                }
                return;

            case StepTypes.Timer:
                var timer = step.Timer!;
                DateTimeOffset due;
                if (timer.After is not null)
                {
                    due = IsoDuration.Parse(timer.After).AddTo(now);
                }
                else if ((await factsLoader.LoadAsync(instance, null, ct)).DateOf(timer.At!) is { } at)
                {
                    due = timer.Offset is null ? at : IsoDuration.Parse(timer.Offset).AddTo(at);
                }
                else
                {
                    await CompleteAsync(instance, document, step, execution, "no-date", EngineActor, null, $"'{timer.At}' holds no date.", budget, ct);
                    return;
                }
                execution.Status = StepStatus.Waiting;
                AddWork(instance, execution.Id, WorkKinds.Timer, due);
                return;

            case StepTypes.Event:
                execution.Status = StepStatus.Waiting;
                execution.WaitEventType = step.Event!.Type;
                if (step.Event.Timeout is not null)
                {
                    AddWork(instance, execution.Id, WorkKinds.Timeout, IsoDuration.Parse(step.Event.Timeout).AddTo(now));
                }
                return;

            case StepTypes.Decision:
                await CompleteAsync(instance, document, step, execution, "decided", EngineActor, null, null, budget, ct);
                return;

            case StepTypes.ServiceCall:
                AddWork(instance, execution.Id, WorkKinds.Call, now);
                return;

            case StepTypes.SubPathway:
                await StartChildAsync(instance, document, step, execution, budget, ct);
                return;

            case StepTypes.Compensate:
                if (await BeginCompensationAsync(instance, ct) == 0)
                {
                    await CompleteAsync(instance, document, step, execution, "nothing-to-undo", EngineActor, null, null, budget, ct);
                    return;
                }
                ScheduleCompensation(instance, execution.Id);
                return;

            case StepTypes.End:
                Close(instance, step, execution, StepStatus.Completed, "ended", EngineActor, null, null);
                EndInstance(instance, InstanceStatus.Completed, step.Outcome ?? "completed", EngineActor);
                return;
        }
    }

    private async Task StartChildAsync(PathwayInstance instance, PathwayDocument document, StepDefinition step, StepExecution execution, Budget budget, CancellationToken ct)
    {
        var pathwayId = step.SubPathway!.PathwayId!.Value;
        var current = await db.CarePathways.AsNoTracking().Where(p => p.Id == pathwayId && p.Status == CarePathwayStatus.Active)
            .Select(p => p.CurrentVersionId).SingleOrDefaultAsync(ct);
        if (current is not { } versionId || instance.Depth >= _options.MaxSubPathwayDepth)
        {
            var reason = current is null ? $"The pathway {pathwayId} has no published version in force." : $"Sub-pathways nest at most {_options.MaxSubPathwayDepth} deep.";
            await CompleteAsync(instance, document, step, execution, "not-started", EngineActor, null, reason, budget, ct);
            return;
        }
        var now = time.GetUtcNow();
        var child = new PathwayInstance
        {
            OrganizationId = instance.OrganizationId,
            PathwayId = pathwayId,
            VersionId = versionId,
            PatientId = instance.PatientId,
            Variables = instance.Variables,
            ParentInstanceId = instance.Id,
            ParentStepExecutionId = execution.Id,
            Depth = instance.Depth + 1,
            Trigger = "sub-pathway",
            StartedBy = $"instance:{instance.Id}",
            StartedAt = now,
            UpdatedAt = now,
        };
        db.Instances.Add(child);
        execution.Status = StepStatus.Waiting;
        execution.Result = new JsonObject { ["childInstanceId"] = child.Id.ToString() }.ToJsonString();
        await StartAsync(child, ct);
    }

    private async Task CompleteAsync(PathwayInstance instance, PathwayDocument document, StepDefinition step, StepExecution execution, string outcome, string actor,
        JsonNode? result, string? note, Budget budget, CancellationToken ct)
    {
        Close(instance, step, execution, StepStatus.Completed, outcome, actor, result, note);
        await AdvanceAsync(instance, document, step, execution, budget, ct);
    }

    private void Close(PathwayInstance instance, StepDefinition step, StepExecution execution, StepStatus status, string outcome, string actor, JsonNode? result, string? note)
    {
        var now = time.GetUtcNow();
        execution.Status = status;
        execution.EndedAt = now;
        execution.Outcome = outcome;
        execution.Actor = actor;
        execution.Note = note ?? execution.Note;
        if (result is not null)
        {
            execution.Result = result.ToJsonString();
        }
        instance.UpdatedAt = now;
        telemetry.StepsEnded.Add(1, new KeyValuePair<string, object?>("type", step.Type), new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
        telemetry.StepDuration.Record((now - execution.StartedAt).TotalSeconds, new KeyValuePair<string, object?>("type", step.Type));
    }

    private async Task AdvanceAsync(PathwayInstance instance, PathwayDocument document, StepDefinition step, StepExecution execution, Budget budget, CancellationToken ct)
    {
        if (instance.IsEnded || step.Type == StepTypes.End)
        {
            return;
        }
        if (instance.Status == InstanceStatus.Paused)
        {
            // Carried on when resumed (the held item is released then).
            AddWork(instance, execution.Id, WorkKinds.Run, time.GetUtcNow(), held: true);
            return;
        }
        if (step.Type == StepTypes.Compensate && instance.Status == InstanceStatus.Compensating)
        {
            instance.Status = InstanceStatus.Running;
        }
        if (step.Next.Count == 0)
        {
            EndInstance(instance, InstanceStatus.Completed, "completed", EngineActor);
            return;
        }
        Facts? facts = null;
        TransitionDefinition? chosen = null;
        foreach (var transition in step.Next)
        {
            if (transition.When is null)
            {
                chosen = transition;
                break;
            }
            facts ??= await factsLoader.LoadAsync(instance, execution.Outcome, ct);
            if (Conditions.Evaluate(transition.When, facts))
            {
                chosen = transition;
                break;
            }
        }
        if (chosen is null || document.Find(chosen.To) is not { } next)
        {
            Fail(instance, $"No transition of step '{step.Id}' applies (outcome '{execution.Outcome}').");
            return;
        }
        await EnterAsync(instance, document, next, budget, ct);
    }

    private async Task<(Disposition, DateTimeOffset?)> CallAsync(PathwayInstance instance, PathwayDocument document, StepDefinition step, StepExecution execution, Budget budget,
        CancellationToken ct)
    {
        using var activity = EngineTelemetry.ActivitySource.StartActivity($"pathway call {step.Call!.Service}", ActivityKind.Client);
        execution.Attempts++;
        var facts = await factsLoader.LoadAsync(instance, null, ct);
        var result = await calls.CallAsync(step.Call!, facts, execution.Id.ToString(), ct);
        telemetry.ServiceCalls.Add(1, new KeyValuePair<string, object?>("service", step.Call.Service), new KeyValuePair<string, object?>("result", result.GetType().Name.ToLowerInvariant()));
        switch (result)
        {
            case ServiceCalls.Succeeded succeeded:
                execution.LastError = null;
                await CompleteAsync(instance, document, step, execution, "succeeded", EngineActor, succeeded.Body ?? new JsonObject { ["status"] = succeeded.Status }, null, budget, ct);
                return (Disposition.Done, null);
            case ServiceCalls.Refused refused:
                execution.LastError = Truncate(refused.Error);
                await CompleteAsync(instance, document, step, execution, "failed", EngineActor, new JsonObject { ["status"] = refused.Status }, null, budget, ct);
                return (Disposition.Done, null);
            case ServiceCalls.Transient transient when execution.Attempts >= _options.MaxCallAttempts:
                execution.LastError = Truncate(transient.Error);
                await CompleteAsync(instance, document, step, execution, "failed", EngineActor, null, $"Gave up after {execution.Attempts} attempts.", budget, ct);
                return (Disposition.Done, null);
            case ServiceCalls.Transient transient:
                execution.LastError = Truncate(transient.Error);
                activity?.SetStatus(ActivityStatusCode.Error, transient.Error);
                logger.LogWarning("Service call of step {StepId} (instance {InstanceId}) failed attempt {Attempt}: {Error}", step.Id, instance.Id, execution.Attempts, transient.Error);
                return (Disposition.Retry, time.GetUtcNow() + _options.RetryDelay(execution.Attempts));
            default:
                throw new UnreachableException();
        }
    }

    private async Task<(Disposition, DateTimeOffset?)> CompensateNextAsync(PathwayInstance instance, PathwayDocument document, StepExecution? compensateStep, Budget budget,
        CancellationToken ct)
    {
        var pending = await db.Compensations.Where(c => c.InstanceId == instance.Id && c.Status == CompensationStatus.Pending).OrderBy(c => c.Order).ToListAsync(ct);
        if (pending.Count > 0)
        {
            var compensation = pending[0];
            var spec = document.Find(compensation.StepId)?.Compensation;
            var now = time.GetUtcNow();
            compensation.Attempts++;
            if (spec?.Notification is { } notification)
            {
                var facts = await factsLoader.LoadAsync(instance, null, ct);
                var queued = await notifications.QueueAsync(instance, notification, facts, null, compensation.Id, ct);
                compensation.Result = JsonSerializer.Serialize(queued is PathwayNotifications.Queued q ? new { outboxMessageId = q.MessageId } : (object)new { skipped = ((PathwayNotifications.Skipped)queued).Reason }, JsonSerializerOptions.Web);
                _wakeOutbox = true;
                Finish(compensation, CompensationStatus.Done, now);
            }
            else if (spec?.Call is { } call)
            {
                var facts = await factsLoader.LoadAsync(instance, null, ct);
                var result = await calls.CallAsync(call, facts, $"{compensation.Id}", ct);
                telemetry.ServiceCalls.Add(1, new KeyValuePair<string, object?>("service", call.Service), new KeyValuePair<string, object?>("result", result.GetType().Name.ToLowerInvariant()));
                switch (result)
                {
                    case ServiceCalls.Succeeded succeeded:
                        compensation.Result = succeeded.Body?.ToJsonString() ?? JsonSerializer.Serialize(new { status = succeeded.Status });
                        Finish(compensation, CompensationStatus.Done, now);
                        break;
                    case ServiceCalls.Refused { Status: 404 or 410 }:
                        // Already undone (or never there): the compensation's goal holds.
                        compensation.Result = JsonSerializer.Serialize(new { status = 404, note = "already gone" });
                        Finish(compensation, CompensationStatus.Done, now);
                        break;
                    case ServiceCalls.Refused refused:
                        compensation.LastError = Truncate(refused.Error);
                        Finish(compensation, CompensationStatus.Failed, now);
                        break;
                    case ServiceCalls.Transient transient when compensation.Attempts < _options.MaxCallAttempts:
                        compensation.LastError = Truncate(transient.Error);
                        return (Disposition.Retry, now + _options.RetryDelay(compensation.Attempts));
                    case ServiceCalls.Transient transient:
                        compensation.LastError = Truncate(transient.Error);
                        Finish(compensation, CompensationStatus.Failed, now);
                        break;
                }
            }
            else
            {
                compensation.LastError = "The step's compensation is no longer in the version the instance runs.";
                Finish(compensation, CompensationStatus.Failed, now);
            }
            telemetry.Compensations.Add(1, new KeyValuePair<string, object?>("status", compensation.Status.ToString().ToLowerInvariant()));
            Record(instance, EngineActor, $"compensation.{compensation.Status.ToString().ToLowerInvariant()}", compensation.StepId, compensation.StepExecutionId,
                new { compensation.Order, compensation.Attempts, error = compensation.LastError });
            if (pending.Count > 1)
            {
                return (Disposition.Retry, time.GetUtcNow());
            }
        }

        // Every compensation has been carried out (or recorded as failed).
        if (compensateStep is { IsOpen: true } && document.Find(compensateStep.StepId) is { } step)
        {
            await CompleteAsync(instance, document, step, compensateStep, "compensated", EngineActor, null, null, budget, ct);
        }
        else if (instance.CancelRequested)
        {
            EndInstance(instance, InstanceStatus.Cancelled, "cancelled", EngineActor);
        }
        else
        {
            instance.Status = InstanceStatus.Running;
        }
        return (Disposition.Done, null);
    }

    private static void Finish(Compensation compensation, CompensationStatus status, DateTimeOffset now)
    {
        compensation.Status = status;
        compensation.DoneAt = now;
    }

    private void BreachSla(PathwayInstance instance, StepDefinition step, StepExecution execution, DateTimeOffset now)
    {
        execution.SlaBreachedAt = now;
        telemetry.SlaBreaches.Add(1, new KeyValuePair<string, object?>("type", step.Type));
        Record(instance, EngineActor, "sla.breached", step.Id, execution.Id, new { step.Sla });
        if (step.Escalation is { } escalation)
        {
            db.Tasks.Add(new CareTask
            {
                OrganizationId = instance.OrganizationId,
                InstanceId = instance.Id,
                PatientId = instance.PatientId,
                Kind = "escalation",
                Title = escalation.Title ?? $"Overdue: {step.Name ?? step.Id}",
                Description = $"The step '{step.Name ?? step.Id}' is still open after its service level ({step.Sla}).",
                AssignedRole = escalation.Role,
                Priority = TaskPriorities.Urgent,
                DueAt = now,
                CreatedAt = now,
                UpdatedAt = now,
            });
            telemetry.TasksCreated.Add(1, new KeyValuePair<string, object?>("kind", "escalation"));
        }
    }

    private async Task CancelTasksOfStepAsync(Guid stepExecutionId, string note, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var task in await db.Tasks.Where(t => t.StepExecutionId == stepExecutionId && t.Status != CareTaskStatus.Completed && t.Status != CareTaskStatus.Cancelled).ToListAsync(ct))
        {
            task.Status = CareTaskStatus.Cancelled;
            task.Note ??= note;
            task.UpdatedAt = now;
        }
    }

    private void Fail(PathwayInstance instance, string reason)
    {
        logger.LogError("Pathway instance {InstanceId} failed: {Reason}", instance.Id, reason);
        Record(instance, EngineActor, "error", instance.CurrentStepId, null, new { reason });
        EndInstance(instance, InstanceStatus.Failed, "failed", EngineActor);
    }

    private void AddWork(PathwayInstance instance, Guid? stepExecutionId, string kind, DateTimeOffset dueAt, bool held = false)
    {
        var now = time.GetUtcNow();
        db.WorkItems.Add(new WorkItem
        {
            OrganizationId = instance.OrganizationId, InstanceId = instance.Id, StepExecutionId = stepExecutionId, Kind = kind, DueAt = dueAt, Held = held, CreatedAt = now,
        });
        if (!held && WorkKinds.CallLane.Contains(kind))
        {
            _wakeCalls = true;
        }
        else if (!held && dueAt <= now + _options.PollInterval)
        {
            _wakeEngine = true;
        }
    }

    private static Guid ChildOf(StepExecution execution) =>
        execution.Result is { } json && JsonNode.Parse(json)?["childInstanceId"]?.GetValue<string>() is { } id && Guid.TryParse(id, out var child) ? child : Guid.Empty;

    private static string Truncate(string value) => value.Length <= 2000 ? value : value[..2000];

    private sealed class Budget(int steps)
    {
        private int _left = steps;

        public bool Take() => _left-- > 0;
    }
}
