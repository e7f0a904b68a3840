using System.Text.Json;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Claims;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Extensions;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>
/// CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/): discovery at <c>GET /cds-services</c> (public: it names no patient),
/// <c>POST /cds-services/{id}</c> for the hooks of <see cref="CdsServiceCatalog"/>, and <c>POST /cds-services/{id}/feedback</c>.
/// Hook calls carry a MedicalHub access token of a member with patients:read; the patient must be of the caller's
/// organization (Workflow's known patients, or a read of the FHIR server with the caller's rights), or the call is refused.
/// </summary>
public static class CdsHooksApi
{
    public const string PatientsRead = PermissionNames.PatientsRead;

    public static IEndpointRouteBuilder MapCdsHooksApi(this IEndpointRouteBuilder app)
    {
        var services = app.MapGroup("/cds-services").WithTags("CDS Hooks");
        services.MapGet("/", () => TypedResults.Ok(new CdsDiscovery([.. CdsServiceCatalog.All.Select(s => s.Describe())])))
            .WithName("CdsDiscovery").WithSummary("The CDS services offered (CDS Hooks discovery)").AllowAnonymous();
        services.MapPost("/{id}", CallAsync).WithName("CallCdsService")
            .WithSummary("Call a CDS service with a hook request; the answer is cards (and systemActions)").RequirePermission(PatientsRead);
        services.MapPost("/{id}/feedback", FeedbackAsync).WithName("CdsFeedback")
            .WithSummary("What the user did with the cards: accepted suggestions, or overridden with a reason").RequirePermission(PatientsRead);
        return app;
    }

    private static async Task<(JsonElement? Body, ProblemHttpResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is > CdsHookRequest.MaxBodyBytes)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"A hook request is at most {CdsHookRequest.MaxBodyBytes} bytes."));
        }
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, ct);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not JSON.", detail: ex.Message));
        }
    }

    private static async Task<Results<Ok<CdsResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> CallAsync(string id, HttpContext http,
        CurrentCaller caller, OrganizationScope organizations, WorkflowDbContext db, RuleLibrary library, RuleEvaluator evaluator, PatientDataLoader loader,
        PatientDataAudit audit, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        if (CdsServiceCatalog.Find(id) is not { } service)
        {
            return TypedResults.NotFound(new ProblemDetails { Status = 404, Title = $"No CDS service '{id}'.", Detail = "GET /cds-services lists the services." });
        }
        if (WorkflowPermissions.WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var (body, unreadable) = await ReadJsonAsync(http.Request, ct);
        if (unreadable is not null)
        {
            return unreadable;
        }
        var (request, errors) = CdsHookRequest.Parse(body!.Value, service);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors, title: "Not a valid CDS Hooks request.");
        }
        if (request.FhirServer is { } server && !loader.IsTrustedFhirServer(server))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fhirServer"] = ["Not a FHIR server this service may call; use the platform's FHIR base."] });
        }
        if (request.FhirAccessToken is { } fhirToken && OrganizationOf(fhirToken) is var tokenOrganization && tokenOrganization != caller.OrganizationId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "fhirAuthorization is not for your organization.",
                detail: "The FHIR access token must act for the same organization as the hook's caller.");
        }

        // The patient must be of the caller's organization: known to Workflow as such, or readable from the FHIR server with the caller's rights.
        var owners = Guid.TryParse(request.PatientId, out var patientGuid)
            ? await db.KnownPatients.IgnoreQueryFilters().AsNoTracking().Where(p => p.PatientId == patientGuid).Select(p => p.OrganizationId).ToListAsync(ct)
            : [];
        if (!owners.Contains(caller.OrganizationId!.Value))
        {
            if (owners.Count > 0 || request.FhirServer is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Patient not of your organization.",
                    detail: "context.patientId is not a patient of your organization.");
            }
            // Not yet known here: read the Patient from the FHIR server (it refuses another organization's), whatever was prefetched.
            request = request with { Prefetch = request.Prefetch.Where(p => p.Key != "patient").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) };
        }

        var callerToken = http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        var (data, problem) = await loader.LoadAsync(request, service, callerToken, ct);
        if (problem is not null)
        {
            return TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail);
        }
        await audit.RecordReadAsync($"cds-hook:{service.Hook}", [patientGuid == Guid.Empty ? null : patientGuid], ct);

        var rules = await library.ActiveAsync(ct);
        var results = await evaluator.EvaluateAsync(rules.Select(r => (r.Definition, r.Version)), data!, service.Hook, ct);
        var now = time.GetUtcNow();
        var failures = results.Where(r => r.Kind is RuleResultKind.Failed or RuleResultKind.TimedOut).ToList();
        if (failures.Count > 0)
        {
            var log = logs.CreateLogger(typeof(CdsHooksApi));
            foreach (var failure in failures)
            {
                // No patient data in the log: the rule and the kind of failure only.
                log.LogWarning("Decision rule {RuleKey} v{RuleVersion} {Kind} on {Hook}", failure.Key, failure.Version, failure.Kind, service.Hook);
                db.Set<RuleEvaluationFailure>().Add(new RuleEvaluationFailure
                {
                    RuleKey = failure.Key,
                    RuleVersion = failure.Version,
                    Hook = service.Hook,
                    HookInstance = request.HookInstance,
                    Kind = failure.Kind == RuleResultKind.TimedOut ? "timed-out" : "failed",
                    Reason = failure.Failure is { Length: > 1000 } long_ ? long_[..1000] : failure.Failure ?? "",
                    ElapsedMilliseconds = failure.ElapsedMilliseconds,
                    At = now,
                });
            }
            await db.SaveChangesAsync(ct);
        }

        var cards = results.Where(r => r.Card is not null).Select(r => r.Card!)
            .OrderBy(c => c.Indicator switch { "critical" => 0, "warning" => 1, _ => 2 }).ToList();
        if (data!.Missing.Count > 0)
        {
            cards.Add(new CdsCard(Guid.NewGuid().ToString(), "Some checks ran without part of the record: the FHIR server does not provide it", "info",
                new CdsSource("MedicalHub decision support"),
                $"Not available from the FHIR server: {string.Join(", ", data.Missing)}. Rules that read these data could not fire."));
        }
        return TypedResults.Ok(new CdsResponse(cards));
    }

    /// <summary>The <c>org_id</c> a (not yet validated) access token names; the FHIR server validates the token itself.</summary>
    private static Guid? OrganizationOf(string token)
    {
        try
        {
            return new JsonWebToken(token).TryGetPayloadValue<string>(ClaimNames.Organization, out var org) && Guid.TryParse(org, out var id) ? id : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static async Task<Results<Ok, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> FeedbackAsync(string id, HttpContext http,
        CurrentCaller caller, OrganizationScope organizations, WorkflowDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (CdsServiceCatalog.Find(id) is null)
        {
            return TypedResults.NotFound(new ProblemDetails { Status = 404, Title = $"No CDS service '{id}'." });
        }
        if (WorkflowPermissions.WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var (body, unreadable) = await ReadJsonAsync(http.Request, ct);
        if (unreadable is not null)
        {
            return unreadable;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body!.Value.ValueKind != JsonValueKind.Object || !body.Value.TryGetProperty("feedback", out var entries) || entries.ValueKind != JsonValueKind.Array
            || entries.GetArrayLength() is 0 or > 100)
        {
            errors["feedback"] = ["Required: an array of 1 to 100 feedback entries."];
            return TypedResults.ValidationProblem(errors);
        }
        var now = time.GetUtcNow();
        var rows = new List<CdsFeedback>();
        var i = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var at = $"feedback[{i++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                errors[at] = ["An object."];
                continue;
            }
            var card = Text(entry, "card");
            var outcome = Text(entry, "outcome");
            if (!Guid.TryParse(card, out var cardUuid))
            {
                errors[$"{at}.card"] = ["Required: the uuid of a card."];
            }
            if (outcome is not ("accepted" or "overridden"))
            {
                errors[$"{at}.outcome"] = ["Required: accepted or overridden."];
            }
            if (!DateTimeOffset.TryParse(Text(entry, "outcomeTimestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var outcomeAt))
            {
                errors[$"{at}.outcomeTimestamp"] = ["Required: an ISO 8601 instant."];
            }
            string[] accepted = [];
            if (entry.TryGetProperty("acceptedSuggestions", out var suggestions))
            {
                if (suggestions.ValueKind != JsonValueKind.Array || suggestions.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.Object || Text(s, "id") is null))
                {
                    errors[$"{at}.acceptedSuggestions"] = ["An array of { id }."];
                }
                else
                {
                    accepted = [.. suggestions.EnumerateArray().Select(s => Text(s, "id")!)];
                }
            }
            if (outcome == "accepted" && accepted.Length == 0)
            {
                errors[$"{at}.acceptedSuggestions"] = ["Required when the outcome is accepted."];
            }
            string? reasonCode = null, reasonSystem = null, comment = null;
            if (entry.TryGetProperty("overrideReason", out var reason))
            {
                if (outcome != "overridden" || reason.ValueKind != JsonValueKind.Object)
                {
                    errors[$"{at}.overrideReason"] = ["Only with the outcome overridden: { reason: Coding, userComment }."];
                }
                else
                {
                    if (reason.TryGetProperty("reason", out var coding) && coding.ValueKind == JsonValueKind.Object)
                    {
                        reasonCode = Text(coding, "code");
                        reasonSystem = Text(coding, "system");
                    }
                    comment = Text(reason, "userComment");
                    if (comment is { Length: > 2000 } || reasonCode is { Length: > 100 } || reasonSystem is { Length: > 300 })
                    {
                        errors[$"{at}.overrideReason"] = ["Too long."];
                    }
                }
            }
            rows.Add(new CdsFeedback
            {
                ServiceId = id,
                CardUuid = cardUuid,
                Outcome = outcome ?? "",
                AcceptedSuggestions = accepted,
                OverrideReasonCode = reasonCode,
                OverrideReasonSystem = reasonSystem,
                UserComment = comment,
                OutcomeAt = outcomeAt,
                Actor = PatientDataAudit.ActorOf(caller),
                ReceivedAt = now,
            });
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        db.Set<CdsFeedback>().AddRange(rows);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
