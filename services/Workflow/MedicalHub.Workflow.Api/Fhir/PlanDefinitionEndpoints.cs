using System.Globalization;
using Hl7.Fhir.Model;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;

namespace MedicalHub.Workflow.Api.Fhir;

/// <summary>
/// <c>/fhir/PlanDefinition</c> (create, read, vread, search by _id, name, title, status, url, version; <c>$apply</c>) and
/// <c>/fhir/ActivityDefinition</c> (read, search: the task and notification steps of each pathway's version in force),
/// for the caller's organization. A created PlanDefinition becomes a care pathway with version 1 (published when the
/// resource is active). Errors are OperationOutcomes: 400 for what is not a resource, 422 for a definition that fails
/// validation (each issue names the action at fault), 404 for another organization's or unknown id.
/// </summary>
public static class PlanDefinitionEndpoints
{
    public const int MaxCount = 200;

    public static IEndpointRouteBuilder MapPlanDefinitionEndpoints(this IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/fhir/PlanDefinition").WithTags("FHIR");
        plans.MapPost("/", CreateAsync).WithName("FhirCreatePlanDefinition").WithSummary("Import a PlanDefinition as a new care pathway").RequirePermission(PermissionNames.WorkflowsManage);
        plans.MapGet("/", SearchAsync).WithName("FhirSearchPlanDefinition").WithSummary("Search the organization's pathways as PlanDefinitions").RequirePermission(PermissionNames.WorkflowsRead);
        plans.MapGet("/{id}", ReadAsync).WithName("FhirReadPlanDefinition").WithSummary("A pathway's version in force (or its draft) as a PlanDefinition").RequirePermission(PermissionNames.WorkflowsRead);
        plans.MapGet("/{id}/_history/{versionId}", VReadAsync).WithName("FhirVReadPlanDefinition").WithSummary("One version as a PlanDefinition").RequirePermission(PermissionNames.WorkflowsRead);
        plans.MapPost("/{id}/$apply", ApplyAsync).WithName("FhirApplyPlanDefinition")
            .WithSummary("Start the pathway for a patient (subject=Patient/{id}); answers the CarePlan of the new instance").RequirePermission(PermissionNames.WorkflowsManage);

        var activities = app.MapGroup("/fhir/ActivityDefinition").WithTags("FHIR");
        activities.MapGet("/", SearchActivitiesAsync).WithName("FhirSearchActivityDefinition").WithSummary("The task and notification steps of the pathways in force").RequirePermission(PermissionNames.WorkflowsRead);
        activities.MapGet("/{id}", ReadActivityAsync).WithName("FhirReadActivityDefinition").WithSummary("One step as an ActivityDefinition ({pathwayId}.{stepId})").RequirePermission(PermissionNames.WorkflowsRead);
        return app;
    }

    private static async Task<FhirResponse> CreateAsync(HttpRequest request, WorkflowDbContext db, OrganizationScope organizations, DefinitionChecks checks,
        CurrentCaller caller, TimeProvider time, CancellationToken ct)
    {
        if (organizations.OrganizationId is null)
        {
            return FhirResponse.Forbidden("The token acts for no organization.");
        }
        var (plan, problem) = await FhirRequests.ReadAsync<PlanDefinition>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var imported = PlanDefinitionMapper.FromFhir(plan!);
        if (imported.Issues.Count > 0 || imported.Document is null)
        {
            return Unprocessable(imported.Issues);
        }
        var outcome = await checks.CheckAsync(imported.Document, null, request.HttpContext, ct);
        switch (outcome)
        {
            case DefinitionChecks.Invalid invalid:
                return Unprocessable([.. invalid.Errors.SelectMany(e => e.Value.Select(message => (PathOf(e.Key, imported.StepPaths), $"{e.Key}: {message}")))]);
            case DefinitionChecks.RolesUnavailable roles:
                return FhirResponse.Outcome(StatusCodes.Status503ServiceUnavailable, OperationOutcome.IssueType.Transient,
                    $"The organization's roles could not be checked now ({string.Join(", ", roles.Roles)}); try again.");
        }

        var now = time.GetUtcNow();
        var pathway = new CarePathway { Name = imported.Name, CreatedAt = now, UpdatedAt = now };
        var version = CarePathwaysApi.NewVersion(pathway.Id, 1, imported.Document, caller, now);
        if (imported.Publish)
        {
            version.Status = PathwayVersionStatus.Published;
            version.PublishedAt = now;
            version.PublishedBy = caller.UserId;
            pathway.CurrentVersionId = version.Id;
            pathway.Status = CarePathwayStatus.Active;
        }
        db.CarePathways.Add(pathway);
        db.PathwayVersions.Add(version);
        await db.SaveChangesAsync(ct);
        var created = PlanDefinitionMapper.ToFhir(pathway, version, imported.Document);
        return new FhirResponse(created, StatusCodes.Status201Created, $"{FhirBase.Of(request)}/PlanDefinition/{pathway.Id}/_history/1", "1");
    }

    private static async Task<FhirResponse> ReadAsync(string id, WorkflowDbContext db, CancellationToken ct) =>
        await ReadVersionAsync(id, null, db, ct);

    private static async Task<FhirResponse> VReadAsync(string id, string versionId, WorkflowDbContext db, CancellationToken ct) =>
        int.TryParse(versionId, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? await ReadVersionAsync(id, number, db, ct)
            : FhirResponse.NotFound("PlanDefinition", $"{id}/_history/{versionId}");

    private static async Task<FhirResponse> ReadVersionAsync(string id, int? number, WorkflowDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var pathwayId) || await db.CarePathways.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pathwayId, ct) is not { } pathway)
        {
            return FhirResponse.NotFound("PlanDefinition", id);
        }
        var version = await VersionOf(db, pathway, number, ct);
        if (version is null)
        {
            return FhirResponse.NotFound("PlanDefinition", number is null ? id : $"{id}/_history/{number}");
        }
        var document = PathwayDocument.TryParse(version.Document, out _)!;
        return new FhirResponse(PlanDefinitionMapper.ToFhir(pathway, version, document), versionId: version.Number.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The asked version, or the version in force, or (never published) the newest draft.</summary>
    private static async Task<PathwayVersion?> VersionOf(WorkflowDbContext db, CarePathway pathway, int? number, CancellationToken ct) =>
        number is { } n
            ? await db.PathwayVersions.AsNoTracking().SingleOrDefaultAsync(v => v.PathwayId == pathway.Id && v.Number == n, ct)
            : await db.PathwayVersions.AsNoTracking().Where(v => v.PathwayId == pathway.Id)
                .OrderByDescending(v => v.Id == pathway.CurrentVersionId).ThenByDescending(v => v.Number).FirstOrDefaultAsync(ct);

    private static async Task<FhirResponse> SearchAsync(HttpRequest request, WorkflowDbContext db, CancellationToken ct)
    {
        var (count, offset, paging) = Paging(request);
        if (paging is not null)
        {
            return paging;
        }
        var q = request.Query;
        var pathways = await db.CarePathways.AsNoTracking().OrderByDescending(p => p.CreatedAt).Take(5000).ToListAsync(ct);
        var ids = pathways.Select(p => p.Id).ToList();
        var versions = await db.PathwayVersions.AsNoTracking().Where(v => ids.Contains(v.PathwayId)).ToListAsync(ct);
        var plans = new List<PlanDefinition>();
        foreach (var pathway in pathways)
        {
            var version = versions.Where(v => v.PathwayId == pathway.Id).OrderByDescending(v => v.Id == pathway.CurrentVersionId).ThenByDescending(v => v.Number).FirstOrDefault();
            if (version is null)
            {
                continue;
            }
            var plan = PlanDefinitionMapper.ToFhir(pathway, version, PathwayDocument.TryParse(version.Document, out _)!);
            if (Matches(q["_id"], v => v == plan.Id) && Matches(q["name"], v => plan.Name!.StartsWith(v, StringComparison.OrdinalIgnoreCase) || plan.Title!.StartsWith(v, StringComparison.OrdinalIgnoreCase))
                && Matches(q["title"], v => plan.Title!.Contains(v, StringComparison.OrdinalIgnoreCase))
                && Matches(q["status"], v => v.Split(',').Any(s => string.Equals(s, plan.Status?.ToString(), StringComparison.OrdinalIgnoreCase)))
                && Matches(q["url"], v => v == plan.Url) && Matches(q["version"], v => v == plan.Version))
            {
                plans.Add(plan);
            }
        }
        var page = plans.Skip(offset).Take(count).ToList();
        return new FhirResponse(FhirBase.Searchset(page, plans.Count, FhirBase.PageUrl(request, "PlanDefinition", offset),
            offset + count < plans.Count ? FhirBase.PageUrl(request, "PlanDefinition", offset + count) : null));
    }

    private static async Task<FhirResponse> ApplyAsync(string id, HttpRequest request, WorkflowDbContext db, InstanceStarter starter, StepRunner runner,
        OrganizationScope organizations, CurrentCaller caller, PatientDataAudit audit, CancellationToken ct)
    {
        if (organizations.OrganizationId is null)
        {
            return FhirResponse.Forbidden("The token acts for no organization.");
        }
        if (!Guid.TryParse(id, out var pathwayId) || !await db.CarePathways.AnyAsync(p => p.Id == pathwayId, ct))
        {
            return FhirResponse.NotFound("PlanDefinition", id);
        }
        var subject = request.Query["subject"].FirstOrDefault();
        if (subject is null && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0))
        {
            var (parameters, problem) = await FhirRequests.ReadAsync<Parameters>(request, ct);
            if (problem is not null)
            {
                return problem;
            }
            subject = parameters!.Parameter.FirstOrDefault(p => p.Name == "subject")?.Value switch
            {
                FhirString s => s.Value,
                ResourceReference r => r.Reference,
                FhirUri u => u.Value,
                _ => null,
            };
        }
        if (subject is null || !subject.StartsWith("Patient/", StringComparison.Ordinal) || !Guid.TryParse(subject["Patient/".Length..], out var patientId))
        {
            return FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Required,
                "$apply needs one subject, Patient/{id} (a query parameter or a Parameters body).", "Parameters.parameter('subject')");
        }
        var (started, refusal) = await UnitOfWork.RunAsync(db, runner,
            token => starter.StartAsync(pathwayId, [new(patientId, null, null)], "apply", ActorName(caller), token), r => r.Refusal is null, ct);
        if (refusal is not null)
        {
            return FhirResponse.Outcome(refusal.Status == StatusCodes.Status404NotFound ? 404 : refusal.Status is 409 ? 409 : 422,
                refusal.Status == 409 ? OperationOutcome.IssueType.BusinessRule : OperationOutcome.IssueType.Processing, $"{refusal.Title} {refusal.Detail}");
        }
        var instance = started.Single().Instance;
        var version = await db.PathwayVersions.AsNoTracking().Where(v => v.Id == instance.VersionId).Select(v => v.Number).SingleAsync(ct);
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == instance.Id).Select(t => t.Id).ToListAsync(ct);
        await audit.RecordReadAsync("care-plan", [patientId], ct);
        var plan = CarePlanOf(instance, version, tasks);
        return new FhirResponse(plan);
    }

    public static CarePlan CarePlanOf(PathwayInstance instance, int version, IEnumerable<Guid> tasks)
    {
        var plan = new CarePlan
        {
            Id = instance.Id.ToString(),
            Status = instance.IsEnded ? RequestStatus.Completed : RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Subject = new ResourceReference($"Patient/{instance.PatientId}"),
            Created = instance.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            InstantiatesCanonical = [$"{PlanDefinitionMapper.CanonicalUrl(instance.PathwayId)}|{version}"],
        };
        foreach (var task in tasks)
        {
            plan.Activity.Add(new CarePlan.ActivityComponent { Reference = new ResourceReference($"Task/{task}") });
        }
        return plan;
    }

    private static async Task<FhirResponse> ReadActivityAsync(string id, WorkflowDbContext db, CancellationToken ct)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !Guid.TryParse(id[..dot], out var pathwayId) || await db.CarePathways.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pathwayId, ct) is not { } pathway
            || await VersionOf(db, pathway, null, ct) is not { } version)
        {
            return FhirResponse.NotFound("ActivityDefinition", id);
        }
        var activity = PlanDefinitionMapper.ActivityDefinitionsOf(pathway, version, PathwayDocument.TryParse(version.Document, out _)!, contained: false)
            .FirstOrDefault(a => a.Id == id);
        return activity is null ? FhirResponse.NotFound("ActivityDefinition", id) : new FhirResponse(activity, versionId: activity.Meta?.VersionId);
    }

    private static async Task<FhirResponse> SearchActivitiesAsync(HttpRequest request, WorkflowDbContext db, CancellationToken ct)
    {
        var (count, offset, paging) = Paging(request);
        if (paging is not null)
        {
            return paging;
        }
        var q = request.Query;
        var pathways = await db.CarePathways.AsNoTracking().OrderByDescending(p => p.CreatedAt).Take(1000).ToListAsync(ct);
        var ids = pathways.Select(p => p.Id).ToList();
        var versions = await db.PathwayVersions.AsNoTracking().Where(v => ids.Contains(v.PathwayId)).ToListAsync(ct);
        var activities = pathways
            .Select(p => (Pathway: p, Version: versions.Where(v => v.PathwayId == p.Id).OrderByDescending(v => v.Id == p.CurrentVersionId).ThenByDescending(v => v.Number).FirstOrDefault()))
            .Where(p => p.Version is not null)
            .SelectMany(p => PlanDefinitionMapper.ActivityDefinitionsOf(p.Pathway, p.Version!, PathwayDocument.TryParse(p.Version!.Document, out _)!, contained: false))
            .Where(a => Matches(q["_id"], v => v == a.Id) && Matches(q["title"], v => a.Title?.Contains(v, StringComparison.OrdinalIgnoreCase) == true)
                && Matches(q["name"], v => a.Name?.StartsWith(v, StringComparison.OrdinalIgnoreCase) == true)
                && Matches(q["status"], v => v.Split(',').Any(s => string.Equals(s, a.Status?.ToString(), StringComparison.OrdinalIgnoreCase))))
            .ToList();
        var page = activities.Skip(offset).Take(count).ToList();
        return new FhirResponse(FhirBase.Searchset(page, activities.Count, FhirBase.PageUrl(request, "ActivityDefinition", offset),
            offset + count < activities.Count ? FhirBase.PageUrl(request, "ActivityDefinition", offset + count) : null));
    }

    /// <summary><c>_count</c> (default 50, at most 200) and <c>_offset</c>, or a 400 OperationOutcome.</summary>
    public static (int Count, int Offset, FhirResponse? Problem) Paging(HttpRequest request)
    {
        var count = 50;
        var offset = 0;
        if (request.Query["_count"].FirstOrDefault() is { } c && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxCount))
        {
            return (0, 0, FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Value, $"_count is 1 to {MaxCount}.", "_count"));
        }
        if (request.Query["_offset"].FirstOrDefault() is { } o && (!int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > 1_000_000))
        {
            return (0, 0, FhirResponse.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Value, "_offset is a whole number up to 1,000,000.", "_offset"));
        }
        return (count, offset, null);
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues values, Func<string, bool> test) => values.All(v => v is null || test(v));

    private static string PathOf(string key, Dictionary<string, string> stepPaths) =>
        key.StartsWith("steps.", StringComparison.Ordinal) && stepPaths.TryGetValue(key["steps.".Length..], out var path) ? path
        : key.StartsWith("steps[", StringComparison.Ordinal) && int.TryParse(key[6..^1], out var index) ? $"PlanDefinition.action[{index}]"
        : key is "start" or "steps" ? "PlanDefinition.action" : "PlanDefinition";

    private static FhirResponse Unprocessable(IEnumerable<(string Expression, string Message)> issues)
    {
        var outcome = new OperationOutcome();
        foreach (var (expression, message) in issues.Take(100))
        {
            var issue = new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Invariant, Diagnostics = message };
            issue.ExpressionElement.Add(new FhirString(expression));
            outcome.Issue.Add(issue);
        }
        return new FhirResponse(outcome, StatusCodes.Status422UnprocessableEntity);
    }
}
