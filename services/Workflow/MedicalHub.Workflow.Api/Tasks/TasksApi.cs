using System.Security.Claims;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Extensions;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;

namespace MedicalHub.Workflow.Api.Tasks;

/// <summary>
/// Tasks of the caller's organization: work lists (mine, my roles', overdue, all), one task, claim, release, complete,
/// change (priority, due date, links; reassigning needs workflows:manage), and tasks created by hand. Reads need
/// tasks:read, changes tasks:write; another organization's task is not found.
/// </summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks");
        tasks.MapGet("/", ListAsync).WithName("ListTasks").RequirePermission(PermissionNames.TasksRead)
            .WithSummary("A work list: view=mine (claimed by or assigned to me), role (my roles'), overdue, all; open tasks unless status says otherwise; most urgent first");
        tasks.MapGet("/{id:guid}", GetAsync).WithName("GetTask").WithSummary("One task").RequirePermission(PermissionNames.TasksRead);
        tasks.MapPost("/", CreateAsync).WithName("CreateTask").WithSummary("Create a task by hand (for a role or a member, optionally about a patient)").RequirePermission(PermissionNames.TasksWrite);
        tasks.MapPost("/{id:guid}/claim", ClaimAsync).WithName("ClaimTask").WithSummary("Claim a ready task (idempotent for who holds it)").RequirePermission(PermissionNames.TasksWrite);
        tasks.MapPost("/{id:guid}/release", ReleaseAsync).WithName("ReleaseTask").WithSummary("Give a claimed task back to its role").RequirePermission(PermissionNames.TasksWrite);
        tasks.MapPost("/{id:guid}/complete", CompleteAsync).WithName("CompleteTask")
            .WithSummary("Complete a task once, with an outcome and a note; its pathway goes on").RequirePermission(PermissionNames.TasksWrite);
        tasks.MapPatch("/{id:guid}", ChangeAsync).WithName("ChangeTask")
            .WithSummary("Change priority, due date or links; reassign (workflows:manage)").RequirePermission(PermissionNames.TasksWrite);
        return app;
    }

    public sealed record CompleteRequest(string? Outcome, string? Note);

    public sealed record CreateTaskRequest(string? Title, string? Description, string? Role, Guid? UserId, Guid? PatientId, string? Priority, DateTimeOffset? DueAt,
        Guid[]? LinkedDocumentIds);

    public sealed record ChangeTaskRequest(string? Priority, DateTimeOffset? DueAt, bool? ClearDueAt, string? Role, Guid? UserId, Guid[]? LinkedDocumentIds, Guid[]? LinkedPatientIds);

    private static async Task<Results<Ok<TaskPage>, ValidationProblem, ProblemHttpResult>> ListAsync(WorkflowDbContext db, OrganizationScope organizations,
        CurrentCaller caller, ClaimsPrincipal user, PatientDataAudit audit, TimeProvider time, CancellationToken ct,
        string view = "all", string? status = null, Guid? patientId = null, Guid? instanceId = null, int page = 1, int pageSize = 50)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.AddErrors(errors, page, pageSize);
        if (view is not ("mine" or "role" or "overdue" or "all"))
        {
            errors["view"] = ["One of mine, role, overdue, all."];
        }
        CareTaskStatus? wanted = null;
        if (status is not null and not "open" && (wanted = TaskView.ParseStatus(status)) is null)
        {
            errors["status"] = ["One of open, ready, in-progress, on-hold, completed, cancelled."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var me = caller.UserId;
        var roles = TaskActor(caller, user).Roles.ToArray();
        var query = db.Tasks.AsNoTracking();
        query = wanted is { } s ? query.Where(t => t.Status == s)
            : query.Where(t => t.Status == CareTaskStatus.Ready || t.Status == CareTaskStatus.InProgress || t.Status == CareTaskStatus.OnHold);
        query = view switch
        {
            "mine" => query.Where(t => t.ClaimedBy == me || t.AssignedUserId == me),
            "role" => query.Where(t => t.AssignedRole != null && roles.Contains(t.AssignedRole) && t.AssignedUserId == null),
            "overdue" => query.Where(t => t.DueAt < now),
            _ => query,
        };
        if (patientId is { } patient)
        {
            query = query.Where(t => t.PatientId == patient || t.LinkedPatientIds.Contains(patient));
        }
        if (instanceId is { } instance)
        {
            query = query.Where(t => t.InstanceId == instance);
        }
        var total = await query.CountAsync(ct);
        var items = await query
            .OrderByDescending(t => t.Priority == TaskPriorities.Stat ? 3 : t.Priority == TaskPriorities.Asap ? 2 : t.Priority == TaskPriorities.Urgent ? 1 : 0)
            .ThenBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        await audit.RecordReadAsync("tasks", items.Select(t => t.PatientId).Concat(items.SelectMany(t => t.LinkedPatientIds.Select(p => (Guid?)p))), ct);
        return TypedResults.Ok(new TaskPage([.. items.Select(t => TaskView.From(t, now))], page, pageSize, total));
    }

    private static async Task<Results<Ok<TaskView>, NotFound>> GetAsync(Guid id, WorkflowDbContext db, PatientDataAudit audit, TimeProvider time, CancellationToken ct)
    {
        var task = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (task is null)
        {
            return TypedResults.NotFound();
        }
        await audit.RecordReadAsync("task", [task.PatientId, .. task.LinkedPatientIds.Select(p => (Guid?)p)], ct);
        return TypedResults.Ok(TaskView.From(task, time.GetUtcNow()));
    }

    private static async Task<Results<Created<TaskView>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateTaskRequest request, WorkflowDbContext db,
        OrganizationScope organizations, EngineTelemetry telemetry, TimeProvider time, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 200 || title.Any(char.IsControl))
        {
            errors["title"] = ["A title of 1 to 200 characters, no control characters."];
        }
        if (request.Description is { Length: > 4000 })
        {
            errors["description"] = ["At most 4000 characters."];
        }
        if ((request.Role is null) == (request.UserId is null))
        {
            errors["role"] = ["A task is for a role or for a member (userId): one of them."];
        }
        if (request.Role is { Length: 0 or > 100 })
        {
            errors["role"] = ["A role name of 1 to 100 characters."];
        }
        if (request.Priority is not null && !TaskPriorities.All.Contains(request.Priority))
        {
            errors["priority"] = [$"One of {string.Join(", ", TaskPriorities.All)}."];
        }
        if (request.LinkedDocumentIds is { Length: > 100 })
        {
            errors["linkedDocumentIds"] = ["At most 100 documents."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (request.PatientId is { } patientId && !await db.KnownPatients.AnyAsync(p => p.PatientId == patientId, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patientId"] = ["Not a patient of this organization known to Workflow."] });
        }
        var now = time.GetUtcNow();
        var task = new CareTask
        {
            Kind = "manual",
            Title = title!,
            Description = request.Description,
            AssignedRole = request.Role,
            AssignedUserId = request.UserId,
            PatientId = request.PatientId,
            Priority = request.Priority ?? TaskPriorities.Routine,
            DueAt = request.DueAt,
            LinkedDocumentIds = [.. (request.LinkedDocumentIds ?? []).Distinct()],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Tasks.Add(task);
        await db.SaveChangesAsync(ct);
        telemetry.TasksCreated.Add(1, new KeyValuePair<string, object?>("kind", "manual"));
        return TypedResults.Created($"/api/tasks/{task.Id}", TaskView.From(task, now));
    }

    private static Task<Results<Ok<TaskView>, NotFound, ValidationProblem, ProblemHttpResult>> ClaimAsync(Guid id, TaskActions actions, CurrentCaller caller,
        ClaimsPrincipal user, OrganizationScope organizations, TimeProvider time, CancellationToken ct) =>
        RespondAsync(organizations, time, () => actions.ClaimAsync(id, TaskActor(caller, user), ct));

    private static Task<Results<Ok<TaskView>, NotFound, ValidationProblem, ProblemHttpResult>> ReleaseAsync(Guid id, TaskActions actions, CurrentCaller caller,
        ClaimsPrincipal user, OrganizationScope organizations, TimeProvider time, CancellationToken ct) =>
        RespondAsync(organizations, time, () => actions.ReleaseAsync(id, TaskActor(caller, user), ct));

    private static Task<Results<Ok<TaskView>, NotFound, ValidationProblem, ProblemHttpResult>> CompleteAsync(Guid id, CompleteRequest? request, TaskActions actions,
        CurrentCaller caller, ClaimsPrincipal user, OrganizationScope organizations, TimeProvider time, CancellationToken ct) =>
        RespondAsync(organizations, time, () => actions.CompleteAsync(id, TaskActor(caller, user), request?.Outcome, request?.Note, ct));

    private static Task<Results<Ok<TaskView>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeAsync(Guid id, ChangeTaskRequest request, TaskActions actions,
        CurrentCaller caller, ClaimsPrincipal user, OrganizationScope organizations, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Priority is not null && !TaskPriorities.All.Contains(request.Priority))
        {
            errors["priority"] = [$"One of {string.Join(", ", TaskPriorities.All)}."];
        }
        if (request.Role is not null && request.UserId is not null)
        {
            errors["role"] = ["Reassign to a role or to a member, not both."];
        }
        if (request.LinkedDocumentIds is { Length: > 100 } || request.LinkedPatientIds is { Length: > 100 })
        {
            errors["linkedDocumentIds"] = ["At most 100 links of each kind."];
        }
        if (errors.Count > 0)
        {
            return Task.FromResult<Results<Ok<TaskView>, NotFound, ValidationProblem, ProblemHttpResult>>(TypedResults.ValidationProblem(errors));
        }
        var change = new TaskActions.TaskChange(request.Priority, request.DueAt, request.ClearDueAt == true, request.Role, request.UserId, request.LinkedDocumentIds,
            request.LinkedPatientIds);
        return RespondAsync(organizations, time, () => actions.ChangeAsync(id, TaskActor(caller, user), change, ct));
    }

    private static async Task<Results<Ok<TaskView>, NotFound, ValidationProblem, ProblemHttpResult>> RespondAsync(OrganizationScope organizations, TimeProvider time,
        Func<Task<TaskActions.Outcome>> act)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        return await act() switch
        {
            TaskActions.Done done => TypedResults.Ok(TaskView.From(done.Task, time.GetUtcNow())),
            TaskActions.Refused { Status: 404 } => TypedResults.NotFound(),
            TaskActions.Refused { Status: 400, Field: { } field } bad => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [bad.Detail] }, title: bad.Title),
            TaskActions.Refused r => TypedResults.Problem(statusCode: r.Status, title: r.Title, detail: r.Detail),
            _ => throw new InvalidOperationException("Unexpected task outcome."),
        };
    }
}
