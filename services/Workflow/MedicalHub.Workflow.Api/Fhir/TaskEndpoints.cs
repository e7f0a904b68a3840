using System.Globalization;
using System.Security.Claims;
using Hl7.Fhir.Model;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Tasks;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;

namespace MedicalHub.Workflow.Api.Fhir;

/// <summary>
/// <c>/fhir/Task</c>: read, search (<c>patient</c>, <c>owner</c>, <c>status</c>, <c>_lastUpdated</c> with ge/gt/le/lt/eq,
/// <c>_id</c>, <c>_count</c>), and update, through which a status changes: ready → in-progress claims the task for the
/// caller, in-progress → ready releases it, → completed completes it (outcome from <c>output</c> or
/// <c>businessStatus</c>, note from <c>note</c>); priority and <c>restriction.period.end</c> (due) may change too. Anything
/// else that differs from the stored task is refused (422); a stale <c>If-Match</c> is 412.
/// </summary>
public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/fhir/Task").WithTags("FHIR");
        tasks.MapGet("/", SearchAsync).WithName("FhirSearchTask").WithSummary("Search tasks by patient, owner, status, _lastUpdated").RequirePermission(PermissionNames.TasksRead);
        tasks.MapGet("/{id}", ReadAsync).WithName("FhirReadTask").WithSummary("One task").RequirePermission(PermissionNames.TasksRead);
        tasks.MapPut("/{id}", UpdateAsync).WithName("FhirUpdateTask").WithSummary("Change a task's status (claim, release, complete), priority or due date").RequirePermission(PermissionNames.TasksWrite);
        return app;
    }

    private static async Task<FhirResponse> ReadAsync(string id, WorkflowDbContext db, PatientDataAudit audit, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var taskId) || await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, ct) is not { } task)
        {
            return FhirResponse.NotFound("Task", id);
        }
        await audit.RecordReadAsync("fhir-task", [task.PatientId], ct);
        return new FhirResponse(TaskMapper.ToFhir(task), versionId: task.RowVersion.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<FhirResponse> SearchAsync(HttpRequest request, WorkflowDbContext db, PatientDataAudit audit, CancellationToken ct)
    {
        var (count, offset, paging) = PlanDefinitionEndpoints.Paging(request);
        if (paging is not null)
        {
            return paging;
        }
        var q = request.Query;
        var query = db.Tasks.AsNoTracking();
        foreach (var value in q["_id"])
        {
            var ids = (value ?? "").Split(',').Select(v => Guid.TryParse(v, out var g) ? g : Guid.Empty).ToArray();
            query = query.Where(t => ids.Contains(t.Id));
        }
        foreach (var value in q["patient"])
        {
            if (Reference(value, "Patient") is not { } patient)
            {
                return Invalid("patient", "patient is Patient/{id} or {id}.");
            }
            query = query.Where(t => t.PatientId == patient);
        }
        foreach (var value in q["owner"])
        {
            if (Reference(value, "Practitioner") is not { } owner)
            {
                return Invalid("owner", "owner is Practitioner/{id} or {id} (a member's user id).");
            }
            query = query.Where(t => t.ClaimedBy == owner || (t.ClaimedBy == null && t.AssignedUserId == owner));
        }
        foreach (var value in q["status"])
        {
            var statuses = new List<CareTaskStatus>();
            foreach (var code in (value ?? "").Split(','))
            {
                if (TaskView.ParseStatus(code) is not { } status)
                {
                    return Invalid("status", $"'{code}' is not a task status this server uses (ready, in-progress, on-hold, completed, cancelled).");
                }
                statuses.Add(status);
            }
            query = query.Where(t => statuses.Contains(t.Status));
        }
        foreach (var value in q["_lastUpdated"])
        {
            if (DatePrefix(value) is not { } filter)
            {
                return Invalid("_lastUpdated", "_lastUpdated is [prefix]date: eq, ge, gt, le or lt followed by an ISO 8601 date or date-time.");
            }
            var (prefix, from, to) = filter;
            query = prefix switch
            {
                "ge" => query.Where(t => t.UpdatedAt >= from),
                "gt" => query.Where(t => t.UpdatedAt >= to),
                "le" => query.Where(t => t.UpdatedAt < to),
                "lt" => query.Where(t => t.UpdatedAt < from),
                _ => query.Where(t => t.UpdatedAt >= from && t.UpdatedAt < to),
            };
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(t => t.UpdatedAt).ThenBy(t => t.Id).Skip(offset).Take(count).ToListAsync(ct);
        await audit.RecordReadAsync("fhir-tasks", items.Select(t => t.PatientId), ct);
        return new FhirResponse(FhirBase.Searchset(items.Select(TaskMapper.ToFhir), total, FhirBase.PageUrl(request, "Task", offset),
            offset + count < total ? FhirBase.PageUrl(request, "Task", offset + count) : null));
    }

    private static async Task<FhirResponse> UpdateAsync(string id, HttpRequest request, WorkflowDbContext db, TaskActions actions, OrganizationScope organizations,
        CurrentCaller caller, ClaimsPrincipal user, CancellationToken ct)
    {
        if (organizations.OrganizationId is null)
        {
            return FhirResponse.Forbidden("The token acts for no organization.");
        }
        var (updated, problem) = await FhirRequests.ReadAsync<Hl7.Fhir.Model.Task>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (updated!.Id != id)
        {
            return FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, $"The resource's id ({updated.Id}) is not the id in the URL ({id}).", "Task.id");
        }
        if (!Guid.TryParse(id, out var taskId) || await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, ct) is not { } stored)
        {
            // Update as create is not supported: tasks are created by pathways and by hand through the API.
            return FhirResponse.NotFound("Task", id);
        }
        if (request.Headers.IfMatch.FirstOrDefault() is { } ifMatch && ifMatch.Trim() != $"W/\"{stored.RowVersion}\"" && ifMatch.Trim() != $"\"{stored.RowVersion}\"")
        {
            return FhirResponse.Outcome(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Conflict,
                $"The task changed since version {ifMatch}; it is at version {stored.RowVersion}. Read it again.");
        }
        var current = TaskMapper.ToFhir(stored);
        if (Unchangeable(current, updated) is { } field)
        {
            return FhirResponse.Outcome(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.BusinessRule,
                $"Task.{field} cannot be changed here: only status (claim, release, complete), priority, restriction.period.end, note and output.", $"Task.{field}");
        }

        if (stored.Status == CareTaskStatus.Completed && TaskMapper.OutcomeOf(updated) != stored.Outcome)
        {
            return FhirResponse.Outcome(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict,
                $"The task was completed with outcome '{stored.Outcome}'; a task is completed once.", "Task.output");
        }
        var actor = TaskActor(caller, user);
        var outcome = (TaskActions.Outcome)new TaskActions.Done(stored);
        var newPriority = PlanDefinitionMapper.PriorityName(updated.Priority);
        var newDue = updated.Restriction?.Period?.End is { } end && DateTimeOffset.TryParse(end, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var due) ? due : (DateTimeOffset?)null;
        if ((newPriority is not null && newPriority != stored.Priority) || newDue != stored.DueAt)
        {
            outcome = await actions.ChangeAsync(taskId, actor, new TaskActions.TaskChange(newPriority, newDue, newDue is null, null, null, null, null), ct);
        }
        if (outcome is TaskActions.Done && updated.Status != current.Status)
        {
            outcome = (current.Status, updated.Status) switch
            {
                (_, Hl7.Fhir.Model.Task.TaskStatus.InProgress) => await actions.ClaimAsync(taskId, actor, ct),
                (Hl7.Fhir.Model.Task.TaskStatus.InProgress, Hl7.Fhir.Model.Task.TaskStatus.Ready) => await actions.ReleaseAsync(taskId, actor, ct),
                (_, Hl7.Fhir.Model.Task.TaskStatus.Completed) => await actions.CompleteAsync(taskId, actor, TaskMapper.OutcomeOf(updated),
                    updated.Note.LastOrDefault()?.Text, ct),
                _ => new TaskActions.Refused(StatusCodes.Status422UnprocessableEntity, "Not a status change this server makes.",
                    $"From {current.Status} to {updated.Status}: tasks are claimed (in-progress), released (ready) or completed; a pathway cancels its own."),
            };
        }
        return outcome switch
        {
            TaskActions.Done done => new FhirResponse(TaskMapper.ToFhir(await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == done.Task.Id, ct)),
                versionId: (await db.Tasks.AsNoTracking().Where(t => t.Id == taskId).Select(t => t.RowVersion).SingleAsync(ct)).ToString(CultureInfo.InvariantCulture)),
            TaskActions.Refused { Status: 404 } => FhirResponse.NotFound("Task", id),
            TaskActions.Refused refused => FhirResponse.Outcome(refused.Status == 400 ? 422 : refused.Status,
                refused.Status == 409 ? OperationOutcome.IssueType.Conflict : refused.Status == 403 ? OperationOutcome.IssueType.Forbidden : OperationOutcome.IssueType.BusinessRule,
                $"{refused.Title} {refused.Detail}"),
            _ => throw new InvalidOperationException("Unexpected task outcome."),
        };
    }

    /// <summary>The first element a client tried to change that only the pathway may change.</summary>
    private static string? Unchangeable(Hl7.Fhir.Model.Task current, Hl7.Fhir.Model.Task updated)
    {
        if (updated.For?.Reference != current.For?.Reference)
        {
            return "for";
        }
        if (updated.Description != current.Description)
        {
            return "description";
        }
        if (updated.Intent != current.Intent)
        {
            return "intent";
        }
        if (!updated.BasedOn.Select(r => r.Reference).SequenceEqual(current.BasedOn.Select(r => r.Reference)))
        {
            return "basedOn";
        }
        if (!updated.PerformerType.Select(p => p.Coding.FirstOrDefault()?.Code).SequenceEqual(current.PerformerType.Select(p => p.Coding.FirstOrDefault()?.Code)))
        {
            return "performerType";
        }
        return null;
    }

    private static Guid? Reference(string? value, string type)
    {
        var raw = value ?? "";
        if (raw.StartsWith(type + "/", StringComparison.Ordinal))
        {
            raw = raw[(type.Length + 1)..];
        }
        return Guid.TryParse(raw, out var id) ? id : null;
    }

    /// <summary>A FHIR date search value: the prefix and the instant range the date covers (a day, or one instant).</summary>
    private static (string Prefix, DateTimeOffset From, DateTimeOffset To)? DatePrefix(string? value)
    {
        if (value is null || value.Length < 4)
        {
            return null;
        }
        var prefix = value[..2] is "eq" or "ge" or "gt" or "le" or "lt" ? value[..2] : "eq";
        var date = prefix == value[..2] && !char.IsAsciiDigit(value[0]) ? value[2..] : value;
        if (date.Length == 10 && DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return (prefix, start, start.AddDays(1));
        }
        if (date.Length > 10 && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return (prefix, instant, instant.AddTicks(1));
        }
        return null;
    }

    private static FhirResponse Invalid(string parameter, string message) =>
        FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Value, message, parameter);
}
