using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Extensions;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>
/// An organization's decision rules: list (the starter library is installed on first read), add a version (a draft),
/// test a version against a sample patient bundle, activate it (retiring the active one), and the failures rules had on
/// hooks. Reads need workflows:read, changes workflows:manage; another organization's rules are not found.
/// </summary>
public static class DecisionRulesApi
{
    public static IEndpointRouteBuilder MapDecisionRulesApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/decision-rules").WithTags("Decision rules");
        rules.MapGet("/", ListAsync).WithName("ListDecisionRules").WithSummary("Every version of every rule of the organization").RequirePermission(PermissionNames.WorkflowsRead);
        rules.MapPost("/", AddVersionAsync).WithName("AddDecisionRuleVersion").WithSummary("Add a rule, or a new version of one, as a draft").RequirePermission(PermissionNames.WorkflowsManage);
        rules.MapPost("/{key}/versions/{version:int}/test", TestAsync).WithName("TestDecisionRule")
            .WithSummary("Decide a version over a sample patient (a FHIR Bundle): applicable, fired, its card, or its failure").RequirePermission(PermissionNames.WorkflowsManage);
        rules.MapPost("/{key}/versions/{version:int}/activate", ActivateAsync).WithName("ActivateDecisionRule")
            .WithSummary("Make a version the active one (the active version before it is retired)").RequirePermission(PermissionNames.WorkflowsManage);
        rules.MapGet("/failures", FailuresAsync).WithName("ListDecisionRuleFailures").WithSummary("Recent failures and time-outs of rules on hooks").RequirePermission(PermissionNames.WorkflowsRead);
        return app;
    }

    public sealed record RuleRequest(string? Key, string? Title, string[]? Hooks, string? Applicability, string? Condition, CardTemplate? Card);

    public sealed record RuleView(Guid Id, string Key, int Version, string Title, string[] Hooks, string Applicability, string Condition, CardTemplate Card,
        string Status, bool FromStarterLibrary, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ActivatedAt)
    {
        public static RuleView From(DecisionRule r) => new(r.Id, r.Key, r.Version, r.Title, r.Hooks, r.Applicability, r.Condition, r.Card,
            r.Status.ToString().ToLowerInvariant(), r.FromStarterLibrary, r.CreatedAt, r.CreatedBy, r.ActivatedAt);
    }

    public sealed record TestResult(string Result, CdsCard? Card, string? Failure, double ElapsedMilliseconds);

    public sealed record FailureView(string RuleKey, int RuleVersion, string Hook, Guid HookInstance, string Kind, string Reason, double ElapsedMilliseconds, DateTimeOffset At);

    private static async Task<Results<Ok<RuleView[]>, ProblemHttpResult>> ListAsync(WorkflowDbContext db, OrganizationScope organizations, RuleLibrary library, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        await library.EnsureStarterLibraryAsync(ct);
        var rules = await db.Set<DecisionRule>().AsNoTracking().OrderBy(r => r.Key).ThenBy(r => r.Version).ToListAsync(ct);
        return TypedResults.Ok(rules.Select(RuleView.From).ToArray());
    }

    private static async Task<Results<Created<RuleView>, ValidationProblem, ProblemHttpResult>> AddVersionAsync(RuleRequest request, WorkflowDbContext db,
        OrganizationScope organizations, CurrentCaller caller, RuleLibrary library, TimeProvider time, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var definition = new RuleDefinition(request.Key?.Trim() ?? "", request.Title?.Trim() ?? "", request.Hooks ?? [], request.Applicability ?? "", request.Condition ?? "",
            request.Card!);
        var errors = RuleValidation.Problems(definition);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await library.EnsureStarterLibraryAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            var version = (await db.Set<DecisionRule>().Where(r => r.Key == definition.Key).MaxAsync(r => (int?)r.Version, ct) ?? 0) + 1;
            var rule = new DecisionRule
            {
                Id = Guid.CreateVersion7(),
                Key = definition.Key,
                Version = version,
                Title = definition.Title,
                Hooks = [.. definition.Hooks.Distinct(StringComparer.Ordinal)],
                Applicability = definition.Applicability,
                Condition = definition.Condition,
                Card = definition.Card,
                Status = DecisionRuleStatus.Draft,
                CreatedAt = time.GetUtcNow(),
                CreatedBy = PatientDataAudit.ActorOf(caller),
            };
            db.Set<DecisionRule>().Add(rule);
            try
            {
                await db.SaveChangesAsync(ct);
                return TypedResults.Created($"/api/decision-rules/{rule.Key}/versions/{rule.Version}", RuleView.From(rule));
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear(); // a concurrent version took the number: take the next
            }
        }
    }

    private static async Task<Results<Ok<TestResult>, NotFound, ValidationProblem, ProblemHttpResult>> TestAsync(string key, int version, JsonElement body,
        WorkflowDbContext db, OrganizationScope organizations, IOptions<DecisionSupportOptions> options, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var rule = await db.Set<DecisionRule>().AsNoTracking().SingleOrDefaultAsync(r => r.Key == key && r.Version == version, ct);
        if (rule is null)
        {
            return TypedResults.NotFound();
        }
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("bundle", out var bundleJson) || bundleJson.ValueKind != JsonValueKind.Object)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bundle"] = ["Required: a FHIR Bundle with the sample patient and their data."] });
        }
        Bundle bundle;
        try
        {
            bundle = new FhirJsonDeserializer().Deserialize<Bundle>(bundleJson.GetRawText());
        }
        catch (Exception ex) when (ex is DeserializationFailedException or JsonException or FormatException or InvalidOperationException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bundle"] = [$"Not a FHIR R4 Bundle: {ex.Message}"] });
        }
        var data = PatientData.FromResources(bundle.Entry.Where(e => e.Resource is not null).Select(e => e.Resource!));
        if (data is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bundle"] = ["The bundle must hold a Patient."] });
        }
        // Draft orders of the sample (order-select): every MedicationRequest/ServiceRequest with status draft, all of them selected.
        var drafts = data.Medications.OfType<MedicationRequest>().Where(m => m.Status == MedicationRequest.MedicationrequestStatus.Draft).ToList();
        data.Medications.RemoveAll(m => drafts.Contains(m));
        data.DraftOrders.AddRange(drafts);
        data.Selections.AddRange(drafts);

        var result = await RuleEvaluator.EvaluateOneAsync(rule.Definition, rule.Version, data, RuleEvaluator.Context(data), options.Value.RuleTimeout, ct);
        var kind = result.Kind switch
        {
            RuleResultKind.NotApplicable => "not-applicable",
            RuleResultKind.NotFired => "not-fired",
            RuleResultKind.Fired => "fired",
            RuleResultKind.TimedOut => "timed-out",
            _ => "failed",
        };
        return TypedResults.Ok(new TestResult(kind, result.Card, result.Failure, result.ElapsedMilliseconds));
    }

    private static async Task<Results<Ok<RuleView>, NotFound, ProblemHttpResult>> ActivateAsync(string key, int version, WorkflowDbContext db,
        OrganizationScope organizations, TimeProvider time, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        // Retire, then activate, in one transaction (two statements: the one-active index is checked per statement),
        // retried whole by the execution strategy on a transient failure.
        DecisionRule? activated;
        try
        {
            activated = await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
            {
                db.ChangeTracker.Clear();
                var versions = await db.Set<DecisionRule>().Where(r => r.Key == key).ToListAsync(token);
                if (versions.SingleOrDefault(r => r.Version == version) is not { } rule || rule.Status == DecisionRuleStatus.Active)
                {
                    return versions.SingleOrDefault(r => r.Version == version);
                }
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                foreach (var active in versions.Where(r => r.Status == DecisionRuleStatus.Active))
                {
                    active.Status = DecisionRuleStatus.Retired;
                }
                await db.SaveChangesAsync(token);
                rule.Status = DecisionRuleStatus.Active;
                rule.ActivatedAt = time.GetUtcNow();
                await db.SaveChangesAsync(token);
                await transaction.CommitAsync(token);
                return rule;
            }, ct);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another version was activated at the same time; try again.");
        }
        return activated is null ? TypedResults.NotFound() : TypedResults.Ok(RuleView.From(activated));
    }

    private static async Task<Results<Ok<FailureView[]>, ProblemHttpResult>> FailuresAsync(WorkflowDbContext db, OrganizationScope organizations, CancellationToken ct,
        string? key = null)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var query = db.Set<RuleEvaluationFailure>().AsNoTracking();
        if (key is not null)
        {
            query = query.Where(f => f.RuleKey == key);
        }
        var failures = await query.OrderByDescending(f => f.At).Take(200).ToListAsync(ct);
        return TypedResults.Ok(failures.Select(f => new FailureView(f.RuleKey, f.RuleVersion, f.Hook, f.HookInstance, f.Kind, f.Reason, f.ElapsedMilliseconds, f.At)).ToArray());
    }
}
