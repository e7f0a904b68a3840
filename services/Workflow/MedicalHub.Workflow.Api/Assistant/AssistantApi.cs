using System.Text.Json;
using Hl7.Fhir.Serialization;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;
using Purposes = MedicalHub.Workflow.Api.Assistant.AssistantPrompts.Purposes;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>
/// The AI assistant: an organization's settings (provider, PHI policy, budget: org:manage), the deployment's providers,
/// the uses (summary, draft, question about a patient: patients:read, and Content's own checks on what the caller may
/// read), each answered whole or streamed as server-sent events (<c>?stream=true</c>), and the audit of every call
/// (audit:read), as JSON or FHIR AuditEvents.
/// </summary>
public static class AssistantApi
{
    public const int MaxTextLength = 2000;

    public static IEndpointRouteBuilder MapAssistantApi(this IEndpointRouteBuilder app)
    {
        var assistant = app.MapGroup("/api/assistant").WithTags("AI assistant");
        assistant.MapGet("/settings", GetSettingsAsync).WithName("GetAssistantSettings").WithSummary("The organization's AI provider, PHI policy, budget and this month's use")
            .RequirePermission(PermissionNames.PatientsRead);
        assistant.MapPut("/settings", PutSettingsAsync).WithName("PutAssistantSettings").WithSummary("Choose the provider (null: off), the PHI policy (nothing, deidentified, full with a signed agreement) and the monthly token budget")
            .RequirePermission(PermissionNames.OrgManage);
        assistant.MapGet("/providers", Providers).WithName("ListAssistantProviders").WithSummary("The AI providers this deployment has (names, kinds, models)")
            .RequirePermission(PermissionNames.PatientsRead);
        assistant.MapPost("/patients/{patientId:guid}/summary", SummaryAsync).WithName("SummarisePatient")
            .WithSummary("Summarise the patient's record, or one document of it (documentId), citing the sources; ?stream=true answers as server-sent events")
            .RequirePermission(PermissionNames.PatientsRead);
        assistant.MapPost("/patients/{patientId:guid}/drafts", DraftAsync).WithName("DraftFromRecord")
            .WithSummary("Draft a referral letter or a patient message from the record; ?stream=true answers as server-sent events")
            .RequirePermission(PermissionNames.PatientsRead);
        assistant.MapPost("/patients/{patientId:guid}/questions", QuestionAsync).WithName("AskAboutPatient")
            .WithSummary("Answer a question from the patient's documents (retrieved with Content's search), citing them; ?stream=true answers as server-sent events")
            .RequirePermission(PermissionNames.PatientsRead);
        assistant.MapGet("/calls", CallsAsync).WithName("ListAssistantCalls").WithSummary("The audit of assistant calls, newest first; filters patientId, outcome, from, to")
            .RequirePermission(PermissionNames.AuditRead);
        assistant.MapGet("/calls/audit-events", AuditEventsAsync).WithName("ExportAssistantCalls").WithSummary("The same calls as a FHIR Bundle of AuditEvents")
            .RequirePermission(PermissionNames.AuditRead);
        return app;
    }

    public sealed record AgreementView(string? Reference, string? SignedBy, DateOnly? SignedOn);

    public sealed record SettingsRequest(string? Provider, string? PhiPolicy, AgreementView? Agreement, long? MonthlyTokenBudget);

    public sealed record SettingsView(string? Provider, string PhiPolicy, AgreementView? Agreement, long? MonthlyTokenBudget, long TokensUsedThisMonth,
        DateTimeOffset? UpdatedAt, string? UpdatedBy);

    public sealed record ProviderView(string Name, string Type, string Model);

    public sealed record SummaryRequest(Guid? DocumentId);

    public sealed record DraftRequest(string? Kind, string? Instructions);

    public sealed record QuestionRequest(string? Question);

    public sealed record CallView(Guid Id, DateTimeOffset At, string Actor, Guid PatientId, Guid? DocumentId, string Purpose, string? Provider, string? Model,
        string PhiPolicy, string Outcome, string? Failure, int? ProviderStatus, long InputTokens, long OutputTokens, decimal CostEstimate,
        double LatencyMilliseconds, bool Streamed, string? PromptHash, string? AnswerHash, int SourceCount)
    {
        public static CallView From(AssistantCall c) => new(c.Id, c.At, c.Actor, c.PatientId, c.DocumentId, c.Purpose, c.Provider, c.Model,
            c.PhiPolicy.ToString().ToLowerInvariant(), c.Outcome, c.Failure, c.ProviderStatus, c.InputTokens, c.OutputTokens, c.CostEstimate,
            c.LatencyMilliseconds, c.Streamed, c.PromptHash, c.AnswerHash, c.SourceCount);
    }

    private static async Task<Results<Ok<SettingsView>, ProblemHttpResult>> GetSettingsAsync(WorkflowDbContext db, OrganizationScope organizations,
        AssistantService assistant, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var settings = await db.Set<AssistantSettings>().AsNoTracking().SingleOrDefaultAsync(ct);
        return TypedResults.Ok(View(settings, await assistant.TokensUsedThisMonthAsync(ct)));
    }

    private static SettingsView View(AssistantSettings? s, long used) => new(s?.Provider, (s?.PhiPolicy ?? PhiPolicy.Nothing).ToString().ToLowerInvariant(),
        s?.AgreementReference is null ? null : new AgreementView(s.AgreementReference, s.AgreementSignedBy, s.AgreementSignedOn), s?.MonthlyTokenBudget, used,
        s?.UpdatedAt, s?.UpdatedBy);

    private static async Task<Results<Ok<SettingsView>, ValidationProblem, ProblemHttpResult>> PutSettingsAsync(SettingsRequest request, WorkflowDbContext db,
        OrganizationScope organizations, AssistantProviders providers, AssistantService assistant, CurrentCaller caller, TimeProvider time, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Provider is { } provider && !providers.Configured.ContainsKey(provider))
        {
            errors["provider"] = [$"Not a provider of this deployment ({(providers.Configured.Count == 0 ? "it has none" : string.Join(", ", providers.Configured.Keys))}); null turns the assistant off."];
        }
        if (!Enum.TryParse<PhiPolicy>(request.PhiPolicy, ignoreCase: true, out var policy) || int.TryParse(request.PhiPolicy, out _))
        {
            errors["phiPolicy"] = ["One of nothing, deidentified, full."];
        }
        if (policy == PhiPolicy.Full && (string.IsNullOrWhiteSpace(request.Agreement?.Reference) || string.IsNullOrWhiteSpace(request.Agreement.SignedBy)
            || request.Agreement.SignedOn is null))
        {
            errors["agreement"] = ["Full data leaves only under a signed agreement with the provider: its reference, who signed it and when."];
        }
        if (request.Agreement is { } agreement && (agreement.Reference?.Length > 200 || agreement.SignedBy?.Length > 200))
        {
            errors["agreement"] = ["Reference and signer: at most 200 characters each."];
        }
        if (request.MonthlyTokenBudget is < 0)
        {
            errors["monthlyTokenBudget"] = ["Zero or more; null for no limit."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var settings = await db.Set<AssistantSettings>().SingleOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new AssistantSettings { OrganizationId = organizations.OrganizationId!.Value, UpdatedBy = "" };
            db.Set<AssistantSettings>().Add(settings);
        }
        settings.Provider = request.Provider;
        settings.PhiPolicy = policy;
        var keepsAgreement = policy == PhiPolicy.Full || request.Agreement?.Reference is not null;
        settings.AgreementReference = keepsAgreement ? request.Agreement?.Reference?.Trim() : null;
        settings.AgreementSignedBy = keepsAgreement ? request.Agreement?.SignedBy?.Trim() : null;
        settings.AgreementSignedOn = keepsAgreement ? request.Agreement?.SignedOn : null;
        settings.MonthlyTokenBudget = request.MonthlyTokenBudget;
        settings.UpdatedAt = time.GetUtcNow();
        settings.UpdatedBy = PatientDataAudit.ActorOf(caller);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(settings, await assistant.TokensUsedThisMonthAsync(ct)));
    }

    private static Ok<ProviderView[]> Providers(AssistantProviders providers) =>
        TypedResults.Ok(providers.Configured.Select(p => new ProviderView(p.Key, p.Value.Type, p.Value.Model)).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray());

    private static Task<IResult> SummaryAsync(Guid patientId, SummaryRequest? request, HttpContext http, AssistantService assistant, OrganizationScope organizations,
        CancellationToken ct, bool stream = false) =>
        RunAsync(http, assistant, organizations, new AssistantService.Request(patientId, request?.DocumentId is null ? Purposes.Summary : Purposes.DocumentSummary, null,
            request?.DocumentId, ""), stream, null, ct);

    private static Task<IResult> DraftAsync(Guid patientId, DraftRequest request, HttpContext http, AssistantService assistant, OrganizationScope organizations,
        CancellationToken ct, bool stream = false)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Kind is not (Purposes.ReferralLetter or Purposes.PatientMessage))
        {
            errors["kind"] = [$"One of {Purposes.ReferralLetter}, {Purposes.PatientMessage}."];
        }
        CheckText(request.Instructions, "instructions", required: false, errors);
        return RunAsync(http, assistant, organizations, new AssistantService.Request(patientId, request.Kind ?? "", request.Instructions?.Trim(), null, ""), stream, errors, ct);
    }

    private static Task<IResult> QuestionAsync(Guid patientId, QuestionRequest request, HttpContext http, AssistantService assistant, OrganizationScope organizations,
        CancellationToken ct, bool stream = false)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckText(request.Question, "question", required: true, errors);
        return RunAsync(http, assistant, organizations, new AssistantService.Request(patientId, Purposes.Question, request.Question?.Trim(), null, ""), stream, errors, ct);
    }

    private static void CheckText(string? text, string field, bool required, Dictionary<string, string[]> errors)
    {
        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors[field] = ["Required."];
        }
        else if (text is { Length: > MaxTextLength })
        {
            errors[field] = [$"At most {MaxTextLength} characters."];
        }
        else if (text?.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) == true)
        {
            errors[field] = ["No control characters."];
        }
    }

    private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Checks, then calls. Streamed: the answer's pieces as <c>event: text</c>, then <c>event: done</c> with the citations and
    /// usage, or <c>event: error</c> when the provider fails after the first piece; a failure before it is an ordinary
    /// ProblemDetails answer with its status, as for a call that is not streamed.
    /// </summary>
    private static async Task<IResult> RunAsync(HttpContext http, AssistantService assistant, OrganizationScope organizations, AssistantService.Request request,
        bool stream, Dictionary<string, string[]>? errors, CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        if (errors is { Count: > 0 })
        {
            return TypedResults.ValidationProblem(errors);
        }
        var token = http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        var (prepared, problem) = await assistant.PrepareAsync(request with { CallerToken = token }, ct);
        if (problem is not null)
        {
            return Problem(problem);
        }
        if (!stream)
        {
            var (answer, failed) = await assistant.CallAsync(prepared!, null, ct);
            return failed is not null ? Problem(failed) : TypedResults.Ok(answer);
        }

        var started = false;
        async Task WriteAsync(string name, object data)
        {
            if (!started)
            {
                started = true;
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "text/event-stream";
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.Headers["X-Accel-Buffering"] = "no";
            }
            await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, EventJson)}\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
        var (streamed, streamFailed) = await assistant.CallAsync(prepared!, text => WriteAsync("text", new { text }), ct);
        if (streamFailed is not null && !started)
        {
            return Problem(streamFailed);
        }
        if (streamFailed is not null)
        {
            await WriteAsync("error", new { status = streamFailed.Status, title = streamFailed.Title, detail = streamFailed.Detail, callId = streamFailed.CallId });
        }
        else
        {
            await WriteAsync("done", streamed! with { Text = "" });
        }
        return TypedResults.Empty;
    }

    private static ProblemHttpResult Problem(AssistantService.Problem problem) => TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail,
        extensions: problem.CallId is { } id ? new Dictionary<string, object?> { ["callId"] = id } : null);

    private static IQueryable<AssistantCall> Filter(WorkflowDbContext db, Guid? patientId, string? outcome, DateTimeOffset? from, DateTimeOffset? to)
    {
        var calls = db.Set<AssistantCall>().AsNoTracking();
        if (patientId is not null)
        {
            calls = calls.Where(c => c.PatientId == patientId);
        }
        if (outcome is not null)
        {
            calls = calls.Where(c => c.Outcome == outcome);
        }
        if (from is not null)
        {
            calls = calls.Where(c => c.At >= from);
        }
        if (to is not null)
        {
            calls = calls.Where(c => c.At < to);
        }
        return calls.OrderByDescending(c => c.At).ThenByDescending(c => c.Id);
    }

    private static async Task<Results<Ok<CallView[]>, ProblemHttpResult>> CallsAsync(WorkflowDbContext db, OrganizationScope organizations, CancellationToken ct,
        Guid? patientId = null, string? outcome = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 100)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var calls = await Filter(db, patientId, outcome, from, to).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        return TypedResults.Ok(calls.Select(CallView.From).ToArray());
    }

    private static async Task<IResult> AuditEventsAsync(WorkflowDbContext db, OrganizationScope organizations, CancellationToken ct,
        Guid? patientId = null, string? outcome = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 100)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var calls = await Filter(db, patientId, outcome, from, to).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        var bundle = new Hl7.Fhir.Model.Bundle { Type = Hl7.Fhir.Model.Bundle.BundleType.Searchset, Total = calls.Count };
        bundle.Entry.AddRange(calls.Select(c => new Hl7.Fhir.Model.Bundle.EntryComponent { Resource = AssistantAuditEvents.From(c) }));
        return Results.Text(new FhirJsonSerializer().SerializeToString(bundle), "application/fhir+json");
    }
}
