using System.Text.Json.Nodes;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;

namespace MedicalHub.Workflow.Api.Instances;

/// <summary>
/// Pathway instances of the caller's organization: start one (idempotent per Idempotency-Key) or many (a list of
/// patients, or a cohort chosen by a condition over the known patients), list, read with steps, compensations, tasks
/// and full history; pause, resume, cancel (with compensation), delete, and migrate running instances to another
/// version. Reads need workflows:read, the rest workflows:manage; another organization's instance is not found.
/// </summary>
public static class InstancesApi
{
    public const int MaxBulk = 1000;
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapInstancesApi(this IEndpointRouteBuilder app)
    {
        var instances = app.MapGroup("/api/pathway-instances").WithTags("Pathway instances");
        instances.MapPost("/", StartAsync).WithName("StartPathwayInstance")
            .WithSummary("Start a pathway for a known patient on its published version (idempotent per Idempotency-Key)").RequirePermission(PermissionNames.WorkflowsManage);
        instances.MapPost("/bulk", StartBulkAsync).WithName("StartPathwayInstancesInBulk")
            .WithSummary($"Start a pathway for up to {MaxBulk} patients (listed, or a cohort by condition), all or none").RequirePermission(PermissionNames.WorkflowsManage);
        instances.MapGet("/", ListAsync).WithName("ListPathwayInstances").WithSummary("Instances, newest first, by pathway, patient and status").RequirePermission(PermissionNames.WorkflowsRead);
        instances.MapGet("/{id:guid}", GetAsync).WithName("GetPathwayInstance").WithSummary("An instance with its steps, compensations and tasks").RequirePermission(PermissionNames.WorkflowsRead);
        instances.MapGet("/{id:guid}/history", HistoryAsync).WithName("GetPathwayInstanceHistory").WithSummary("Everything that happened, in order: what, when, who").RequirePermission(PermissionNames.WorkflowsRead);
        instances.MapPost("/{id:guid}/pause", PauseAsync).WithName("PausePathwayInstance").WithSummary("Pause: tasks on hold, timers held").RequirePermission(PermissionNames.WorkflowsManage);
        instances.MapPost("/{id:guid}/resume", ResumeAsync).WithName("ResumePathwayInstance").WithSummary("Resume: held timers fire if due").RequirePermission(PermissionNames.WorkflowsManage);
        instances.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelPathwayInstance")
            .WithSummary("Cancel; with compensate=true the completed steps are undone in reverse order first").RequirePermission(PermissionNames.WorkflowsManage);
        instances.MapDelete("/{id:guid}", DeleteAsync).WithName("DeletePathwayInstance").WithSummary("Erase an instance started by mistake (no compensation)").RequirePermission(PermissionNames.WorkflowsManage);
        instances.MapPost("/migrate", MigrateAsync).WithName("MigratePathwayInstances")
            .WithSummary("Move running instances of one version to another, explicitly").RequirePermission(PermissionNames.WorkflowsManage);
        return app;
    }

    public sealed record StartRequest(Guid? PathwayId, Guid? PatientId, JsonObject? Variables);

    public sealed record BulkPatient(Guid? PatientId, JsonObject? Variables);

    /// <summary>A cohort: the organization's active known patients for whom the condition holds (over <c>patient.*</c> and <c>observations.*</c>).</summary>
    public sealed record Cohort(Condition? Where, int? Limit);

    public sealed record BulkStartRequest(Guid? PathwayId, BulkPatient[]? Patients, Cohort? Cohort, JsonObject? Variables);

    public sealed record BulkStarted(Guid PatientId, Guid InstanceId, bool Replayed);

    public sealed record BulkStartResult(int Started, BulkStarted[] Instances);

    public sealed record CancelRequest(bool? Compensate, string? Reason);

    private static async Task<Results<Created<InstanceView>, Ok<InstanceView>, ValidationProblem, ProblemHttpResult, NotFound>> StartAsync(StartRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, InstanceStarter starter, StepRunner runner, WorkflowDbContext db,
        OrganizationScope organizations, CurrentCaller caller, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } noOrganization)
        {
            return noOrganization;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.PathwayId is null)
        {
            errors["pathwayId"] = ["Name the care pathway."];
        }
        if (request.PatientId is null || request.PatientId == Guid.Empty)
        {
            errors["patientId"] = ["Name the patient."];
        }
        if (idempotencyKey is { Length: 0 or > 100 })
        {
            errors["Idempotency-Key"] = ["1 to 100 characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var startKey = idempotencyKey is null ? null : $"key:{idempotencyKey}:{request.PatientId}";
        var (started, refusal) = await UnitOfWork.RunAsync(db, runner,
            token => starter.StartAsync(request.PathwayId!.Value, [new(request.PatientId!.Value, request.Variables, startKey)], "manual", ActorName(caller), token),
            r => r.Refusal is null, ct);
        if (refusal is not null)
        {
            return Refuse(refusal);
        }
        var instance = started.Single();
        var view = InstanceView.From(instance.Instance);
        return instance.Replayed ? TypedResults.Ok(view) : TypedResults.Created($"/api/pathway-instances/{view.Id}", view);
    }

    private static async Task<Results<Ok<BulkStartResult>, ValidationProblem, ProblemHttpResult, NotFound>> StartBulkAsync(BulkStartRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, InstanceStarter starter, StepRunner runner, WorkflowDbContext db, FactsLoader facts,
        OrganizationScope organizations, CurrentCaller caller, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } noOrganization)
        {
            return noOrganization;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.PathwayId is null)
        {
            errors["pathwayId"] = ["Name the care pathway."];
        }
        if ((request.Patients is null) == (request.Cohort is null))
        {
            errors["patients"] = ["Give the patients, or a cohort: one of them."];
        }
        if (request.Patients is { } listed && (listed.Length is 0 or > MaxBulk || listed.Any(p => p.PatientId is null || p.PatientId == Guid.Empty)
            || listed.DistinctBy(p => p.PatientId).Count() != listed.Length))
        {
            errors["patients"] = [$"1 to {MaxBulk} distinct patients, each with its patientId."];
        }
        if (request.Cohort is { } cohort && (cohort.Where is null || Conditions.Problem(cohort.Where) is not null || cohort.Limit is < 1 or > MaxBulk))
        {
            errors["cohort"] = [cohort.Where is null ? "A cohort needs a condition (where)." : Conditions.Problem(cohort.Where) ?? $"The limit is 1 to {MaxBulk}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var patients = request.Patients?.Select(p => (p.PatientId!.Value, Merge(request.Variables, p.Variables))).ToList()
            ?? await CohortAsync(db, facts, request.Cohort!, request.Variables, ct);
        var requests = patients.Select(p => new InstanceStarter.StartRequest(p.Item1, p.Item2, idempotencyKey is null ? null : $"key:{idempotencyKey}:{p.Item1}")).ToList();
        if (requests.Count == 0)
        {
            return TypedResults.Ok(new BulkStartResult(0, []));
        }
        var (started, refusal) = await UnitOfWork.RunAsync(db, runner,
            token => starter.StartAsync(request.PathwayId!.Value, requests, "bulk", ActorName(caller), token), r => r.Refusal is null, ct);
        if (refusal is not null)
        {
            return Refuse(refusal).Result switch
            {
                ValidationProblem v => v,
                ProblemHttpResult p => p,
                _ => TypedResults.NotFound(),
            };
        }
        return TypedResults.Ok(new BulkStartResult(started.Count(s => !s.Replayed),
            [.. started.Select(s => new BulkStarted(s.Instance.PatientId, s.Instance.Id, s.Replayed))]));
    }

    /// <summary>The active known patients (up to the limit) for whom the cohort's condition holds, in patient id order.</summary>
    private static async Task<List<(Guid, JsonObject?)>> CohortAsync(WorkflowDbContext db, FactsLoader facts, Cohort cohort, JsonObject? variables, CancellationToken ct)
    {
        var limit = cohort.Limit ?? MaxBulk;
        var chosen = new List<(Guid, JsonObject?)>();
        var candidates = await db.KnownPatients.AsNoTracking().Where(p => p.Status == KnownPatientStatus.Active).OrderBy(p => p.PatientId)
            .Select(p => p.PatientId).Take(10_000).ToListAsync(ct);
        foreach (var patientId in candidates)
        {
            var probe = new PathwayInstance { OrganizationId = Guid.Empty, PatientId = patientId, Trigger = "bulk", StartedBy = "cohort" };
            if (Conditions.Evaluate(cohort.Where!, await facts.LoadAsync(probe, null, ct)))
            {
                chosen.Add((patientId, variables?.DeepClone() as JsonObject));
                if (chosen.Count >= limit)
                {
                    break;
                }
            }
        }
        return chosen;
    }

    private static JsonObject? Merge(JsonObject? common, JsonObject? own)
    {
        if (common is null)
        {
            return own;
        }
        var merged = (JsonObject)common.DeepClone();
        foreach (var (key, value) in own ?? [])
        {
            merged[key] = value?.DeepClone();
        }
        return merged;
    }

    private static async Task<Results<Ok<InstancePage>, ValidationProblem, ProblemHttpResult>> ListAsync(WorkflowDbContext db, OrganizationScope organizations,
        PatientDataAudit audit, CancellationToken ct, Guid? pathwayId = null, Guid? patientId = null, string? status = null, int page = 1, int pageSize = 50)
    {
        if (WithoutOrganization(organizations) is { } noOrganization)
        {
            return noOrganization;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.AddErrors(errors, page, pageSize);
        InstanceStatus? wanted = null;
        if (status is not null)
        {
            if (Enum.TryParse<InstanceStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _))
            {
                wanted = parsed;
            }
            else
            {
                errors["status"] = ["One of running, paused, compensating, completed, cancelled, failed."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var query = db.Instances.AsNoTracking();
        if (pathwayId is { } pathway)
        {
            query = query.Where(i => i.PathwayId == pathway);
        }
        if (patientId is { } patient)
        {
            query = query.Where(i => i.PatientId == patient);
        }
        if (wanted is { } s)
        {
            query = query.Where(i => i.Status == s);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(i => i.StartedAt).ThenByDescending(i => i.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        await audit.RecordReadAsync("instances", items.Select(i => (Guid?)i.PatientId), ct);
        return TypedResults.Ok(new InstancePage([.. items.Select(InstanceView.From)], page, pageSize, total));
    }

    private static async Task<Results<Ok<InstanceDetail>, NotFound>> GetAsync(Guid id, WorkflowDbContext db, PatientDataAudit audit, TimeProvider time, CancellationToken ct)
    {
        var instance = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        if (instance is null)
        {
            return TypedResults.NotFound();
        }
        var version = await db.PathwayVersions.AsNoTracking().Where(v => v.Id == instance.VersionId).Select(v => v.Number).SingleAsync(ct);
        var steps = await db.StepExecutions.AsNoTracking().Where(s => s.InstanceId == id).OrderBy(s => s.Sequence).ToListAsync(ct);
        var compensations = await db.Compensations.AsNoTracking().Where(c => c.InstanceId == id).OrderBy(c => c.Order).ToListAsync(ct);
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == id).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        await audit.RecordReadAsync("instance", [instance.PatientId], ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new InstanceDetail(InstanceView.From(instance), version, [.. steps.Select(StepView.From)],
            [.. compensations.Select(CompensationView.From)], [.. tasks.Select(t => TaskView.From(t, now))]));
    }

    private static async Task<Results<Ok<HistoryItem[]>, NotFound>> HistoryAsync(Guid id, WorkflowDbContext db, PatientDataAudit audit, CancellationToken ct)
    {
        var patient = await db.Instances.AsNoTracking().Where(i => i.Id == id).Select(i => (Guid?)i.PatientId).SingleOrDefaultAsync(ct);
        if (patient is null)
        {
            return TypedResults.NotFound();
        }
        var steps = await db.StepExecutions.AsNoTracking().Where(s => s.InstanceId == id).OrderBy(s => s.Sequence).ToListAsync(ct);
        var entries = await db.History.AsNoTracking().Where(h => h.InstanceId == id).OrderBy(h => h.Id).ToListAsync(ct);
        var items = new List<(HistoryItem Item, int Order)>();
        foreach (var step in steps)
        {
            items.Add((new HistoryItem(step.StartedAt, "engine", "step.entered", step.StepId, new JsonObject { ["type"] = step.StepType, ["sequence"] = step.Sequence }), 1));
            if (step.EndedAt is { } ended)
            {
                items.Add((new HistoryItem(ended, step.Actor ?? "engine", $"step.{step.Status.ToString().ToLowerInvariant()}", step.StepId,
                    new JsonObject { ["outcome"] = step.Outcome, ["note"] = step.Note, ["sequence"] = step.Sequence }), 2));
            }
        }
        items.AddRange(entries.Select(e => (new HistoryItem(e.At, e.Actor, e.Action, e.StepId, e.Detail is null ? null : JsonNode.Parse(e.Detail)), 0)));
        await audit.RecordReadAsync("instance-history", [patient], ct);
        return TypedResults.Ok(items.OrderBy(i => i.Item.At).ThenBy(i => i.Order).Select(i => i.Item).ToArray());
    }

    private static async Task<Results<Ok<InstanceView>, NotFound, ProblemHttpResult>> PauseAsync(Guid id, InstanceControl control, CurrentCaller caller, CancellationToken ct) =>
        Respond(await control.PauseAsync(id, ActorName(caller), ct));

    private static async Task<Results<Ok<InstanceView>, NotFound, ProblemHttpResult>> ResumeAsync(Guid id, InstanceControl control, CurrentCaller caller, CancellationToken ct) =>
        Respond(await control.ResumeAsync(id, ActorName(caller), ct));

    private static async Task<Results<Ok<InstanceView>, NotFound, ProblemHttpResult, ValidationProblem>> CancelAsync(Guid id, CancelRequest? request, InstanceControl control,
        CurrentCaller caller, CancellationToken ct)
    {
        if (request?.Reason is { Length: > 1000 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["At most 1000 characters."] });
        }
        return Respond(await control.CancelAsync(id, request?.Compensate == true, request?.Reason, ActorName(caller), ct)).Result switch
        {
            Ok<InstanceView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, InstanceControl control, CancellationToken ct) =>
        await control.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<InstanceControl.MigrationResult>, ValidationProblem, ProblemHttpResult>> MigrateAsync(InstanceControl.MigrationRequest request,
        InstanceControl control, OrganizationScope organizations, CurrentCaller caller, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } noOrganization)
        {
            return noOrganization;
        }
        if (request.PathwayId is null || request.FromVersion is null || request.ToVersion is null || request.FromVersion == request.ToVersion
            || request.InstanceIds is { Length: > 10_000 } || request.StepMapping is { Count: > 200 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["pathwayId"] = ["Name the pathway, and two different version numbers (fromVersion, toVersion); at most 10,000 instanceIds and 200 step mappings."],
            });
        }
        var (result, refusal) = await control.MigrateAsync(request, ActorName(caller), ct);
        return refusal is null ? TypedResults.Ok(result!) : TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail);
    }

    private static Results<Ok<InstanceView>, NotFound, ProblemHttpResult> Respond((PathwayInstance? Instance, InstanceControl.Refusal? Refusal) outcome) => outcome switch
    {
        ({ } instance, null) => TypedResults.Ok(InstanceView.From(instance)),
        (_, { Status: 404 }) => TypedResults.NotFound(),
        (_, { } r) => TypedResults.Problem(statusCode: r.Status, title: r.Title, detail: r.Detail),
        _ => TypedResults.NotFound(),
    };

    private static Results<Created<InstanceView>, Ok<InstanceView>, ValidationProblem, ProblemHttpResult, NotFound> Refuse(InstanceStarter.Refused refusal) => refusal switch
    {
        { Status: 404 } => TypedResults.NotFound(),
        { Status: 400 or 422, Field: { } field } => refusal.Status == 400
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [refusal.Detail] }, title: refusal.Title)
            : TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail),
        _ => TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail),
    };
}
