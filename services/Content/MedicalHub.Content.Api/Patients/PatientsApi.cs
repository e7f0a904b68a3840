using System.Globalization;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Data;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// The organization's patients (the token's <c>org_id</c>): register, read, change (<c>If-Match</c> with the ETag read),
/// search, merge and the history of a record. Another organization's patient is not found (404). Every answer that
/// carries patient data is recorded in the PHI access audit first; a client may state why in <c>X-Purpose-Of-Use</c>.
/// </summary>
public static class PatientsApi
{
    /// <summary>
    /// A patient's details are small: a body larger than this is refused (413) before it is read. Generous beside the
    /// gateway's 256 KB, so that a merely oversized value is read and answered with a 400 naming the field; beyond
    /// this, Kestrel answers 413 and closes the connection without reading the rest.
    /// </summary>
    public const long MaxBodyBytes = 2 * 1024 * 1024;

    public static IEndpointRouteBuilder MapPatientsApi(this IEndpointRouteBuilder app)
    {
        var patients = app.MapGroup("/api/patients").WithTags("Patients");
        patients.MapPost("/", CreateAsync).WithName("CreatePatient").RequirePermission(PermissionNames.PatientsWrite)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithSummary("Register a patient; the practice's MRN is assigned unless one is given")
            .ProducesProblem(StatusCodes.Status409Conflict);
        patients.MapGet("/", SearchAsync).WithName("SearchPatients").RequirePermission(PermissionNames.PatientsRead)
            .WithSummary("Patients by name prefix (diacritics and case ignored), family or given name, phonetic name, birth date, identifier, active; in name order");
        patients.MapGet("/{id:guid}", GetAsync).WithName("GetPatient").RequirePermission(PermissionNames.PatientsRead)
            .WithSummary("One patient, with its ETag; fromSearch=true records the read as a search hit opened");
        patients.MapPut("/{id:guid}", UpdateAsync).WithName("UpdatePatient").RequirePermission(PermissionNames.PatientsWrite)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithSummary("Replace a patient's details; If-Match with the ETag of the version changed is required")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        patients.MapPost("/{id:guid}/merge", MergeAsync).WithName("MergePatients").RequirePermission(PermissionNames.PatientsWrite)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithSummary("Merge another record (mergeId) into this one, which survives and keeps both histories; If-Match optional")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        patients.MapGet("/{id:guid}/history", HistoryAsync).WithName("GetPatientHistory").RequirePermission(PermissionNames.PatientsRead)
            .WithSummary("The versions of the record and of the records merged into it, newest first");
        patients.MapGet("/{id:guid}/history/{version:int}", GetVersionAsync).WithName("GetPatientVersion").RequirePermission(PermissionNames.PatientsRead)
            .WithSummary("The record as it was at one version");
        return app;
    }

    private static async Task<Results<Created<PatientView>, ValidationProblem, ProblemHttpResult>> CreateAsync(PatientDetails details,
        PatientRegistry registry, HttpResponse response, CancellationToken ct)
    {
        var outcome = await registry.CreateAsync(details, ct);
        if (outcome is PatientOutcome.Saved { Patient: var patient })
        {
            response.Headers.ETag = patient.ETag;
            return TypedResults.Created($"/api/patients/{patient.Id}", patient);
        }
        return outcome switch
        {
            PatientOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => ProblemOf(outcome),
        };
    }

    private static async Task<Results<Ok<PatientPage>, ValidationProblem>> SearchAsync(string? name, string? family, string? given, string? phonetic,
        [FromQuery] string[]? birthDate, [FromQuery] string[]? identifier, string? active, PatientRegistry registry, CancellationToken ct,
        int page = 1, int pageSize = 20)
    {
        var parser = new PatientQueryParser();
        parser.Name("name", name, parser.Query.NameWords);
        parser.Name("family", family, parser.Query.FamilyWords);
        parser.Name("given", given, parser.Query.GivenWords);
        parser.Name("phonetic", phonetic, parser.Query.PhoneticWords);
        foreach (var date in birthDate ?? [])
        {
            parser.BirthDate("birthDate", date);
        }
        foreach (var value in identifier ?? [])
        {
            parser.Identifier("identifier", value);
        }
        parser.Active("active", active);
        Paging.AddErrors(parser.Errors, page, pageSize);
        if (parser.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(parser.Errors);
        }
        var (items, total) = await registry.SearchAsync(parser.Query, page, pageSize, ct);
        return TypedResults.Ok(new PatientPage([.. items], page, pageSize, total));
    }

    private static async Task<Results<Ok<PatientView>, NotFound>> GetAsync(Guid id, PatientRegistry registry, HttpResponse response, CancellationToken ct,
        bool fromSearch = false)
    {
        var patient = await registry.GetAsync(id, fromSearch ? PhiActions.SearchHitOpened : PhiActions.Read, ct);
        if (patient is null)
        {
            return TypedResults.NotFound();
        }
        response.Headers.ETag = patient.ETag;
        return TypedResults.Ok(patient);
    }

    private static async Task<Results<Ok<PatientView>, ValidationProblem, NotFound, ProblemHttpResult>> UpdateAsync(Guid id, PatientDetails details,
        PatientRegistry registry, HttpRequest request, HttpResponse response, CancellationToken ct)
    {
        if (ExpectedVersion(request) is not { } expected)
        {
            return request.Headers.IfMatch.Count == 0
                ? TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match is required.",
                    detail: "Send the ETag of the version you changed, so that a change made meanwhile is not overwritten.")
                : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "If-Match must be one ETag of this API (W/\"<version>\").");
        }
        return Answer(await registry.UpdateAsync(id, expected, details, ct), response);
    }

    private static async Task<Results<Ok<PatientView>, ValidationProblem, NotFound, ProblemHttpResult>> MergeAsync(Guid id, MergeRequest merge,
        PatientRegistry registry, HttpRequest request, HttpResponse response, CancellationToken ct)
    {
        if (merge.MergeId is not { } mergeId)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mergeId"] = ["The id of the record to merge into this one."] });
        }
        int? expected = null;
        if (request.Headers.IfMatch.Count > 0)
        {
            if (ExpectedVersion(request) is not { } version)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "If-Match must be one ETag of this API (W/\"<version>\").");
            }
            expected = version;
        }
        return Answer(await registry.MergeAsync(id, mergeId, expected, ct), response);
    }

    private static async Task<Results<Ok<PatientHistoryPage>, ValidationProblem, NotFound>> HistoryAsync(Guid id, PatientRegistry registry, CancellationToken ct,
        int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        return await registry.HistoryAsync(id, page, pageSize, ct) is { } history
            ? TypedResults.Ok(new PatientHistoryPage([.. history.Items], page, pageSize, history.Total))
            : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<PatientView>, NotFound>> GetVersionAsync(Guid id, int version, PatientRegistry registry, HttpResponse response, CancellationToken ct)
    {
        if (await registry.VersionAsync(id, version, ct) is not { } patient)
        {
            return TypedResults.NotFound();
        }
        response.Headers.ETag = patient.ETag;
        return TypedResults.Ok(patient);
    }

    private static Results<Ok<PatientView>, ValidationProblem, NotFound, ProblemHttpResult> Answer(PatientOutcome outcome, HttpResponse response)
    {
        switch (outcome)
        {
            case PatientOutcome.Saved { Patient: var patient }:
                response.Headers.ETag = patient.ETag;
                return TypedResults.Ok(patient);
            case PatientOutcome.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            case PatientOutcome.NotFound:
                return TypedResults.NotFound();
            default:
                return ProblemOf(outcome);
        }
    }

    private static ProblemHttpResult ProblemOf(PatientOutcome outcome) => outcome switch
    {
        PatientOutcome.VersionMismatch mismatch => TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The record changed since it was read.",
            detail: mismatch.Current is { } current ? $"The current version is {current}: read it again and apply the change to it." : "Read it again and apply the change to it."),
        PatientOutcome.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The change conflicts with the registry.", detail: conflict.Reason),
        _ => throw new InvalidOperationException($"No problem answer for {outcome.GetType().Name}."),
    };

    /// <summary>The version an <c>If-Match</c> names (<c>W/"3"</c> or <c>"3"</c>), or null when it names none or several.</summary>
    public static int? ExpectedVersion(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count != 1 || values[0] is not { } tag)
        {
            return null;
        }
        var quoted = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
        return quoted.Length > 2 && quoted[0] == '"' && quoted[^1] == '"'
            && int.TryParse(quoted[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : null;
    }
}
