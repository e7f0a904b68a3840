using System.Text.Json.Nodes;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Tasks;

/// <summary>
/// What people do with tasks (claim, release, complete, change), shared by the JSON API and FHIR <c>Task</c> updates. Each
/// runs in one transaction under the task's instance lock and the task's own row lock, so two people completing the same
/// task, or a completion racing a timeout, end with exactly one outcome; completing a pathway task ends its step and the
/// instance goes on in the same transaction.
/// </summary>
public sealed class TaskActions(WorkflowDbContext db, StepRunner runner, EngineTelemetry telemetry, TimeProvider time)
{
    public const int MaxNoteLength = 4000;

    /// <summary>The person acting: their id, their roles in the organization, and whether they manage pathways (may act on any task).</summary>
    public sealed record Actor(Guid UserId, IReadOnlySet<string> Roles, bool CanManage)
    {
        public string Name => $"user:{UserId}";
    }

    public abstract record Outcome;

    public sealed record Done(CareTask Task) : Outcome;

    public sealed record Refused(int Status, string Title, string Detail, string? Field = null) : Outcome;

    public sealed record TaskChange(string? Priority, DateTimeOffset? DueAt, bool ClearDueAt, string? AssignedRole, Guid? AssignedUserId, Guid[]? LinkedDocumentIds,
        Guid[]? LinkedPatientIds);

    public Task<Outcome> ClaimAsync(Guid id, Actor actor, CancellationToken ct) =>
        WithTaskAsync(id, (task, _) =>
        {
            if (Forbidden(task, actor) is { } forbidden)
            {
                return Task.FromResult<Outcome>(forbidden);
            }
            switch (task.Status)
            {
                case CareTaskStatus.InProgress when task.ClaimedBy == actor.UserId:
                    return Task.FromResult<Outcome>(new Done(task));
                case CareTaskStatus.InProgress:
                    return Task.FromResult<Outcome>(new Refused(StatusCodes.Status409Conflict, "The task is claimed by someone else.", "Ask them to release it."));
                case CareTaskStatus.Ready:
                    task.Status = CareTaskStatus.InProgress;
                    task.ClaimedBy = actor.UserId;
                    task.ClaimedAt = task.UpdatedAt = time.GetUtcNow();
                    return Task.FromResult<Outcome>(new Done(task));
                default:
                    return Task.FromResult<Outcome>(NotOpen(task));
            }
        }, ct);

    public Task<Outcome> ReleaseAsync(Guid id, Actor actor, CancellationToken ct) =>
        WithTaskAsync(id, (task, _) =>
        {
            if (task.Status == CareTaskStatus.Ready)
            {
                return Task.FromResult<Outcome>(new Done(task));
            }
            if (task.Status != CareTaskStatus.InProgress)
            {
                return Task.FromResult<Outcome>(NotOpen(task));
            }
            if (task.ClaimedBy != actor.UserId && !actor.CanManage)
            {
                return Task.FromResult<Outcome>(new Refused(StatusCodes.Status409Conflict, "The task is claimed by someone else.", "Only who claimed it (or a pathway manager) releases it."));
            }
            task.Status = CareTaskStatus.Ready;
            task.ClaimedBy = null;
            task.ClaimedAt = null;
            task.UpdatedAt = time.GetUtcNow();
            return Task.FromResult<Outcome>(new Done(task));
        }, ct);

    public Task<Outcome> CompleteAsync(Guid id, Actor actor, string? outcome, string? note, CancellationToken ct) =>
        WithTaskAsync(id, async (task, instance) =>
        {
            if (Forbidden(task, actor) is { } forbidden)
            {
                return forbidden;
            }
            if (task.Status == CareTaskStatus.Completed)
            {
                return new Refused(StatusCodes.Status409Conflict, "The task is already completed.",
                    $"It was completed at {task.CompletedAt:O} with outcome '{task.Outcome}'; a task is completed once.");
            }
            if (task.Status == CareTaskStatus.OnHold)
            {
                return new Refused(StatusCodes.Status409Conflict, "The task's pathway is paused.", "Resume the pathway first.");
            }
            if (task.Status != CareTaskStatus.Ready && task.Status != CareTaskStatus.InProgress)
            {
                return NotOpen(task);
            }
            if (task.Status == CareTaskStatus.InProgress && task.ClaimedBy != actor.UserId)
            {
                return new Refused(StatusCodes.Status409Conflict, "The task is claimed by someone else.", "Only who claimed it completes it; ask them to release it.");
            }
            outcome = string.IsNullOrWhiteSpace(outcome) ? "done" : outcome.Trim();
            if (task.AllowedOutcomes is { Length: > 0 } allowed ? !allowed.Contains(outcome) : outcome.Length > 64 || !Definitions.DefinitionValidator.Slug().IsMatch(outcome))
            {
                return new Refused(StatusCodes.Status400BadRequest, "Not an outcome of this task.",
                    task.AllowedOutcomes is { Length: > 0 } a ? $"One of: {string.Join(", ", a)}." : "Lower-case letters, digits and dashes.", "outcome");
            }
            if (note is { Length: > MaxNoteLength })
            {
                return new Refused(StatusCodes.Status400BadRequest, "The note is too long.", $"At most {MaxNoteLength} characters.", "note");
            }
            var now = time.GetUtcNow();
            task.Status = CareTaskStatus.Completed;
            task.ClaimedBy ??= actor.UserId;
            task.ClaimedAt ??= now;
            task.CompletedBy = actor.UserId;
            task.CompletedAt = task.UpdatedAt = now;
            task.Outcome = outcome;
            task.Note = note;
            telemetry.TasksCompleted.Add(1);
            if (instance is not null && task.StepExecutionId is { } stepId
                && await db.StepExecutions.SingleOrDefaultAsync(s => s.Id == stepId, ct) is { Status: StepStatus.Waiting } step)
            {
                await runner.CompleteWaitingStepAsync(instance, step, outcome, actor.Name, new JsonObject { ["taskId"] = task.Id.ToString() }, note, ct);
            }
            return new Done(task);
        }, ct);

    public Task<Outcome> ChangeAsync(Guid id, Actor actor, TaskChange change, CancellationToken ct) =>
        WithTaskAsync(id, (task, _) =>
        {
            if (!task.IsOpen)
            {
                return Task.FromResult<Outcome>(NotOpen(task));
            }
            if ((change.AssignedRole is not null || change.AssignedUserId is not null) && !actor.CanManage)
            {
                return Task.FromResult<Outcome>(new Refused(StatusCodes.Status403Forbidden, "Reassigning needs workflows:manage.", "Ask a pathway manager to reassign the task."));
            }
            if (Forbidden(task, actor) is { } forbidden)
            {
                return Task.FromResult<Outcome>(forbidden);
            }
            if (change.Priority is not null)
            {
                task.Priority = change.Priority;
            }
            if (change.ClearDueAt)
            {
                task.DueAt = null;
            }
            else if (change.DueAt is { } due)
            {
                task.DueAt = due;
            }
            if (change.AssignedRole is not null || change.AssignedUserId is not null)
            {
                (task.AssignedRole, task.AssignedUserId) = (change.AssignedRole, change.AssignedUserId);
                if (task.Status == CareTaskStatus.InProgress && task.ClaimedBy != change.AssignedUserId && change.AssignedUserId is not null)
                {
                    (task.Status, task.ClaimedBy, task.ClaimedAt) = (CareTaskStatus.Ready, null, null);
                }
            }
            if (change.LinkedDocumentIds is { } documents)
            {
                task.LinkedDocumentIds = [.. documents.Distinct()];
            }
            if (change.LinkedPatientIds is { } patients)
            {
                task.LinkedPatientIds = [.. patients.Distinct()];
            }
            task.UpdatedAt = time.GetUtcNow();
            return Task.FromResult<Outcome>(new Done(task));
        }, ct);

    /// <summary>Whether <paramref name="actor"/> may act on the task: a manager always; otherwise the user it is assigned to, or a member of its role.</summary>
    public static bool MayActOn(CareTask task, Actor actor) =>
        actor.CanManage
        || (task.AssignedUserId is { } user ? user == actor.UserId : task.AssignedRole is null || actor.Roles.Contains(task.AssignedRole));

    private static Refused? Forbidden(CareTask task, Actor actor) => MayActOn(task, actor)
        ? null
        : new Refused(StatusCodes.Status403Forbidden, "The task is not yours.",
            task.AssignedUserId is not null ? "It is assigned to another member." : $"It is for the role {task.AssignedRole}, which you do not hold.");

    private static Refused NotOpen(CareTask task) =>
        new(StatusCodes.Status409Conflict, $"The task is {TaskView.StatusName(task.Status)}.", "Only an open task can be changed.");

    private async Task<Outcome> WithTaskAsync(Guid id, Func<CareTask, PathwayInstance?, Task<Outcome>> act, CancellationToken ct)
    {
        // The instance first, then the task: the order every transaction follows (the engine locks instances, then their tasks).
        var instanceId = await db.Tasks.AsNoTracking().Where(t => t.Id == id).Select(t => new { t.InstanceId }).SingleOrDefaultAsync(ct);
        if (instanceId is null)
        {
            return new Refused(StatusCodes.Status404NotFound, "No such task.", $"The organization has no task {id}.");
        }
        return await UnitOfWork.RunAsync(db, runner, async token =>
        {
            PathwayInstance? instance = null;
            if (instanceId.InstanceId is { } iid)
            {
                await InstanceLocks.LockAsync(db, [iid], token);
                instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == iid, token);
            }
            // SELECT * does not return the system column xmin, the row version EF reads with every task.
            var task = await db.Tasks.FromSql($"SELECT *, xmin FROM tasks WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(token);
            if (task is null)
            {
                return new Refused(StatusCodes.Status404NotFound, "No such task.", $"The organization has no task {id}.");
            }
            return await act(task, instance);
        }, outcome => outcome is Done, ct);
    }
}
