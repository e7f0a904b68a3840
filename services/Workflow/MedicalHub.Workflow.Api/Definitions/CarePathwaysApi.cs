using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>
/// The care pathways of the caller's organization (the token's <c>org_id</c>) and their numbered versions: create,
/// list, read; write a draft version (validated: the failing step is named), publish it (new instances start on it,
/// running ones keep theirs), retire the pathway. Also the editor's JSON schema, a validation-only check and the
/// referral template. Queries carry no organization condition of their own: the context's organization filter scopes
/// them, so another organization's pathway is simply not found (404, never 403).
/// </summary>
public static class CarePathwaysApi
{
    public const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapCarePathwaysApi(this IEndpointRouteBuilder app)
    {
        var pathways = app.MapGroup("/api/care-pathways").WithTags("Care pathways");
        pathways.MapPost("/", CreateAsync).WithName("CreateCarePathway")
            .WithSummary("Create a care pathway, optionally with its first draft version").RequirePermission(PermissionNames.WorkflowsManage);
        pathways.MapGet("/", ListAsync).WithName("ListCarePathways")
            .WithSummary("The organization's care pathways, newest first").RequirePermission(PermissionNames.WorkflowsRead);
        pathways.MapGet("/{id:guid}", GetAsync).WithName("GetCarePathway")
            .WithSummary("One care pathway").RequirePermission(PermissionNames.WorkflowsRead);
        pathways.MapPost("/{id:guid}/retire", RetireAsync).WithName("RetireCarePathway")
            .WithSummary("Start no new instance (running ones go on)").RequirePermission(PermissionNames.WorkflowsManage);
        pathways.MapGet("/{id:guid}/versions", ListVersionsAsync).WithName("ListCarePathwayVersions")
            .WithSummary("The pathway's versions, newest first").RequirePermission(PermissionNames.WorkflowsRead);
        pathways.MapPost("/{id:guid}/versions", CreateVersionAsync).WithName("CreateCarePathwayVersion")
            .WithSummary("Write the next version as a draft (one draft at a time)").RequirePermission(PermissionNames.WorkflowsManage);
        pathways.MapGet("/{id:guid}/versions/{number:int}", GetVersionAsync).WithName("GetCarePathwayVersion")
            .WithSummary("One version with its definition").RequirePermission(PermissionNames.WorkflowsRead);
        pathways.MapPut("/{id:guid}/versions/{number:int}", ReplaceDraftAsync).WithName("ReplaceCarePathwayDraft")
            .WithSummary("Replace a draft's definition").RequirePermission(PermissionNames.WorkflowsManage);
        pathways.MapPost("/{id:guid}/versions/{number:int}/publish", PublishAsync).WithName("PublishCarePathwayVersion")
            .WithSummary("Publish a draft: new instances start on it").RequirePermission(PermissionNames.WorkflowsManage);
        pathways.MapPost("/validate", ValidateAsync).WithName("ValidateCarePathwayDefinition")
            .WithSummary("Check a definition without saving it (for the editor)").RequirePermission(PermissionNames.WorkflowsRead);
        pathways.MapGet("/editor-schema", () => TypedResults.Text(EditorSchema.Value, "application/schema+json")).WithName("GetCarePathwayEditorSchema")
            .WithSummary("The JSON Schema of a definition, for the web editor").RequirePermission(PermissionNames.WorkflowsRead);
        pathways.MapGet("/templates/referral", () => TypedResults.Ok(JsonNode.Parse(ReferralTemplate.Json))).WithName("GetReferralPathwayTemplate")
            .WithSummary("A referral pathway (saga with compensation) to start from").RequirePermission(PermissionNames.WorkflowsRead);
        return app;
    }

    private static readonly Lazy<string> EditorSchema = new(() =>
    {
        using var stream = typeof(CarePathwaysApi).Assembly.GetManifestResourceStream("pathway-definition.schema.json")!;
        return new StreamReader(stream).ReadToEnd();
    });

    public sealed record CreateCarePathwayRequest(string? Name, JsonElement? Definition);

    public sealed record DefinitionRequest(JsonElement? Definition);

    public sealed record CarePathwayView(Guid Id, string Name, string Status, int? CurrentVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static CarePathwayView From(CarePathway p, int? currentVersion) =>
            new(p.Id, p.Name, p.Status.ToString().ToLowerInvariant(), currentVersion, p.CreatedAt, p.UpdatedAt);
    }

    public sealed record CarePathwayPage(CarePathwayView[] Items, int Page, int PageSize, int Total);

    public sealed record VersionSummary(int Number, string Status, DateTimeOffset CreatedAt, Guid? CreatedBy, DateTimeOffset? PublishedAt, Guid? PublishedBy, bool Current);

    public sealed record VersionView(Guid Id, Guid PathwayId, int Number, string Status, bool Current, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt,
        JsonNode Definition)
    {
        public static VersionView From(PathwayVersion v, Guid? current) => new(v.Id, v.PathwayId, v.Number, v.Status.ToString().ToLowerInvariant(), v.Id == current,
            v.CreatedAt, v.PublishedAt, JsonNode.Parse(v.Document)!);
    }

    public sealed record ValidationResult(bool Valid, int Steps);

    private static async Task<Results<Created<CarePathwayView>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateCarePathwayRequest request,
        WorkflowDbContext db, OrganizationScope organizations, DefinitionChecks checks, CurrentCaller caller, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["name"] = [$"A name is required: 1 to {MaxNameLength} characters, no control characters."],
            });
        }
        PathwayDocument? document = null;
        if (request.Definition is { ValueKind: not JsonValueKind.Null })
        {
            switch (await checks.CheckAsync(request.Definition, null, http, ct))
            {
                case DefinitionChecks.Valid valid:
                    document = valid.Document;
                    break;
                case var problem:
                    return Problem(problem);
            }
        }

        var now = time.GetUtcNow();
        var pathway = new CarePathway { Name = name, Status = CarePathwayStatus.Draft, CreatedAt = now, UpdatedAt = now };
        db.CarePathways.Add(pathway);
        if (document is not null)
        {
            db.PathwayVersions.Add(NewVersion(pathway.Id, 1, document, caller, now));
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/care-pathways/{pathway.Id}", CarePathwayView.From(pathway, null));
    }

    private static async Task<Results<Ok<CarePathwayPage>, ValidationProblem>> ListAsync(WorkflowDbContext db, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var pathways = db.CarePathways.AsNoTracking();
        var total = await pathways.CountAsync(ct);
        var items = await pathways.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(p => new { Pathway = p, Current = db.PathwayVersions.Where(v => v.Id == p.CurrentVersionId).Select(v => (int?)v.Number).FirstOrDefault() })
            .ToListAsync(ct);
        return TypedResults.Ok(new CarePathwayPage([.. items.Select(i => CarePathwayView.From(i.Pathway, i.Current))], page, pageSize, total));
    }

    private static async Task<Results<Ok<CarePathwayView>, NotFound>> GetAsync(Guid id, WorkflowDbContext db, CancellationToken ct)
    {
        var found = await db.CarePathways.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { Pathway = p, Current = db.PathwayVersions.Where(v => v.Id == p.CurrentVersionId).Select(v => (int?)v.Number).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        return found is null ? TypedResults.NotFound() : TypedResults.Ok(CarePathwayView.From(found.Pathway, found.Current));
    }

    private static async Task<Results<Ok<CarePathwayView>, NotFound>> RetireAsync(Guid id, WorkflowDbContext db, TimeProvider time, CancellationToken ct)
    {
        var pathway = await db.CarePathways.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (pathway is null)
        {
            return TypedResults.NotFound();
        }
        pathway.Status = CarePathwayStatus.Retired;
        pathway.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CarePathwayView.From(pathway, null));
    }

    private static async Task<Results<Ok<VersionSummary[]>, NotFound>> ListVersionsAsync(Guid id, WorkflowDbContext db, CancellationToken ct)
    {
        var pathway = await db.CarePathways.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (pathway is null)
        {
            return TypedResults.NotFound();
        }
        var versions = await db.PathwayVersions.AsNoTracking().Where(v => v.PathwayId == id).OrderByDescending(v => v.Number).ToListAsync(ct);
        return TypedResults.Ok(versions.Select(v => new VersionSummary(v.Number, v.Status.ToString().ToLowerInvariant(), v.CreatedAt, v.CreatedBy, v.PublishedAt,
            v.PublishedBy, v.Id == pathway.CurrentVersionId)).ToArray());
    }

    private static async Task<Results<Ok<VersionView>, NotFound>> GetVersionAsync(Guid id, int number, WorkflowDbContext db, CancellationToken ct)
    {
        var current = await db.CarePathways.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.CurrentVersionId }).SingleOrDefaultAsync(ct);
        var version = current is null ? null : await db.PathwayVersions.AsNoTracking().SingleOrDefaultAsync(v => v.PathwayId == id && v.Number == number, ct);
        return version is null ? TypedResults.NotFound() : TypedResults.Ok(VersionView.From(version, current!.CurrentVersionId));
    }

    private static async Task<Results<Created<VersionView>, NotFound, ValidationProblem, ProblemHttpResult>> CreateVersionAsync(Guid id, DefinitionRequest request,
        WorkflowDbContext db, DefinitionChecks checks, CurrentCaller caller, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var pathway = await db.CarePathways.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (pathway is null)
        {
            return TypedResults.NotFound();
        }
        var outcome = await checks.CheckAsync(request.Definition, id, http, ct);
        if (outcome is not DefinitionChecks.Valid valid)
        {
            return Problem(outcome);
        }
        var versions = await db.PathwayVersions.AsNoTracking().Where(v => v.PathwayId == id).Select(v => new { v.Number, v.Status }).ToListAsync(ct);
        if (versions.Any(v => v.Status == PathwayVersionStatus.Draft))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The pathway already has a draft.",
                detail: $"Replace version {versions.Single(v => v.Status == PathwayVersionStatus.Draft).Number} (PUT) or publish it first.");
        }
        var version = NewVersion(id, versions.Count == 0 ? 1 : versions.Max(v => v.Number) + 1, valid.Document, caller, time.GetUtcNow());
        db.PathwayVersions.Add(version);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another version was written at the same time.", detail: "Read the versions and try again.");
        }
        return TypedResults.Created($"/api/care-pathways/{id}/versions/{version.Number}", VersionView.From(version, pathway.CurrentVersionId));
    }

    private static async Task<Results<Ok<VersionView>, NotFound, ValidationProblem, ProblemHttpResult>> ReplaceDraftAsync(Guid id, int number, DefinitionRequest request,
        WorkflowDbContext db, DefinitionChecks checks, HttpContext http, CancellationToken ct)
    {
        var version = await db.PathwayVersions.SingleOrDefaultAsync(v => v.PathwayId == id && v.Number == number, ct);
        if (version is null)
        {
            return TypedResults.NotFound();
        }
        if (version.Status != PathwayVersionStatus.Draft)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A published version never changes.",
                detail: "Write a new version (POST …/versions); running instances keep the one they started on.");
        }
        var outcome = await checks.CheckAsync(request.Definition, id, http, ct);
        if (outcome is not DefinitionChecks.Valid valid)
        {
            return Problem(outcome);
        }
        version.Document = valid.Document.ToJson();
        version.TriggerEvent = valid.Document.Trigger?.Event;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(VersionView.From(version, null));
    }

    private static async Task<Results<Ok<VersionView>, NotFound, ValidationProblem, ProblemHttpResult>> PublishAsync(Guid id, int number, WorkflowDbContext db,
        DefinitionChecks checks, CurrentCaller caller, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var pathway = await db.CarePathways.SingleOrDefaultAsync(p => p.Id == id, ct);
        var version = pathway is null ? null : await db.PathwayVersions.SingleOrDefaultAsync(v => v.PathwayId == id && v.Number == number, ct);
        if (pathway is null || version is null)
        {
            return TypedResults.NotFound();
        }
        if (version.Status == PathwayVersionStatus.Published)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The version is already published.", detail: $"Version {number} was published at {version.PublishedAt:O}.");
        }
        if (pathway.Status == CarePathwayStatus.Retired)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The pathway is retired.", detail: "A retired pathway publishes no new version.");
        }
        // Checked again: a role or a sub-pathway may have gone since the draft was written.
        var outcome = await checks.CheckAsync(PathwayDocument.TryParse(version.Document, out _)!, id, http, ct);
        if (outcome is not DefinitionChecks.Valid)
        {
            return Problem(outcome);
        }
        var now = time.GetUtcNow();
        version.Status = PathwayVersionStatus.Published;
        version.PublishedAt = now;
        version.PublishedBy = caller.UserId;
        pathway.CurrentVersionId = version.Id;
        pathway.Status = CarePathwayStatus.Active;
        pathway.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(VersionView.From(version, version.Id));
    }

    private static async Task<Results<Ok<ValidationResult>, ValidationProblem, ProblemHttpResult>> ValidateAsync(DefinitionRequest request, DefinitionChecks checks,
        OrganizationScope organizations, HttpContext http, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        return await checks.CheckAsync(request.Definition, null, http, ct) switch
        {
            DefinitionChecks.Valid valid => TypedResults.Ok(new ValidationResult(true, valid.Document.Steps.Count)),
            var problem => Problem(problem),
        };
    }

    internal static PathwayVersion NewVersion(Guid pathwayId, int number, PathwayDocument document, CurrentCaller caller, DateTimeOffset now) => new()
    {
        PathwayId = pathwayId,
        Number = number,
        Status = PathwayVersionStatus.Draft,
        Document = document.ToJson(),
        TriggerEvent = document.Trigger?.Event,
        CreatedAt = now,
        CreatedBy = caller.UserId,
    };

    /// <summary>400 with the errors keyed by failing step (a validation problem), or 503 when roles could not be checked.</summary>
    internal static ProblemHttpResult Problem(DefinitionChecks.Outcome outcome) => outcome switch
    {
        DefinitionChecks.Invalid invalid => TypedResults.Problem(new HttpValidationProblemDetails(invalid.Errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The pathway definition is not valid.",
            Detail = string.Join(" ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        }),
        DefinitionChecks.RolesUnavailable roles => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The organization's roles cannot be checked now.", detail: $"Identity did not answer; the roles {string.Join(", ", roles.Roles)} could not be checked. Try again."),
        _ => throw new InvalidOperationException("A valid definition is not a problem."),
    };
}
