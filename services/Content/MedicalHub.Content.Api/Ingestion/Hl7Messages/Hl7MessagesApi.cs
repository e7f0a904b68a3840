using System.Text;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Ingestion.Hl7Messages;

/// <summary>
/// HL7 v2 over HTTP: <c>POST /api/hl7/messages</c> takes one message and answers its ACK (ER7), and the ADT messages
/// waiting for a person to choose their patient. HTTP-level refusals (no token, no permission, not HL7, too large) are
/// ProblemDetails; a message that was read is always answered by an ACK: <c>AA</c> 200, <c>AE</c>/<c>AR</c> 422
/// (400 when it could not be read, 403 an ADT without patients:write, 503 when it could not be kept).
/// </summary>
public static class Hl7MessagesApi
{
    public const string Er7ContentType = MediaTypes.Hl7V2;

    private static readonly string[] AcceptedTypes = [MediaTypes.Hl7V2, "application/hl7-v2", "application/x-hl7", "text/plain", "application/octet-stream"];

    public static IEndpointRouteBuilder MapHl7MessagesApi(this IEndpointRouteBuilder app)
    {
        var hl7 = app.MapGroup("/api/hl7").WithTags("HL7 v2");
        hl7.MapPost("/messages", ReceiveAsync).RequirePermission(PermissionNames.DocumentsWrite).WithName("ReceiveHl7Message")
            .WithSummary("One HL7 v2 message (ER7, MLLP-framed or not): ORU^R01 results, ADT^A01/A04/A08 patients; answers the ACK (AA, AE or AR)")
            .Accepts<string>(Er7ContentType).Produces<string>(StatusCodes.Status200OK, Er7ContentType)
            .Produces<string>(StatusCodes.Status422UnprocessableEntity, Er7ContentType).Produces<string>(StatusCodes.Status400BadRequest, Er7ContentType);
        hl7.MapGet("/reviews", ReviewsAsync).RequirePermission(PermissionNames.PatientsRead).WithName("ListHl7PatientReviews")
            .WithSummary("ADT messages waiting for a person to choose the patient they are about, oldest first");
        hl7.MapPost("/reviews/{id:guid}/resolve", ResolveAsync).RequirePermission(PermissionNames.PatientsWrite).WithName("ResolveHl7PatientReview")
            .WithSummary("Applies the waiting ADT message to the patient chosen (patientId), or to a new patient when none is given");
        return app;
    }

    public sealed record ReviewView(Guid Id, Guid DocumentId, string TriggerEvent, string Reason, IReadOnlyList<Guid> CandidatePatientIds, DateTimeOffset CreatedAt);

    public sealed record ResolveRequest(Guid? PatientId);

    public sealed record ResolvedView(Guid ReviewId, Guid PatientId, bool Created, int PatientVersion);

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReceiveAsync(HttpRequest request, Hl7MessageIntake intake, CancellationToken ct)
    {
        var claimed = MediaTypes.Normalize(request.ContentType);
        if (claimed is not null && !AcceptedTypes.Contains(claimed, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not an HL7 v2 message.",
                detail: $"Send the message as {Er7ContentType} (or application/hl7-v2, text/plain), ER7 encoded, MLLP framing optional.");
        }
        if (request.ContentLength > Hl7MessageIntake.MaxMessageBytes)
        {
            return TooLarge();
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = Hl7MessageIntake.MaxMessageBytes;
        }
        using var body = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(body, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        if (body.Length > Hl7MessageIntake.MaxMessageBytes)
        {
            return TooLarge();
        }
        var answer = await intake.ReceiveAsync(body.ToArray(), ct);
        return TypedResults.Text(answer.Acknowledgement, Er7ContentType, Encoding.UTF8, answer.Status);
    }

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The message is too large.",
        detail: $"HL7 v2 messages of at most {Hl7MessageIntake.MaxMessageBytes} bytes are accepted.");

    private static async Task<Ok<IReadOnlyList<ReviewView>>> ReviewsAsync(ContentDbContext db, PhiAccessAudit audit, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var reviews = await db.Set<PatientAdministrationReview>().AsNoTracking().Where(r => r.ResolvedAt == null).OrderBy(r => r.CreatedAt).Take(500)
            .Select(r => new ReviewView(r.Id, r.DocumentId, r.TriggerEvent, r.Reason, r.CandidatePatientIds, r.CreatedAt)).ToListAsync(ct);
        await audit.RecordAsync(new PhiAccess(PhiActions.Read, "Patient", null, [.. reviews.SelectMany(r => r.CandidatePatientIds).Distinct()],
            Detail: "HL7 patient reviews"), ct);
        return TypedResults.Ok<IReadOnlyList<ReviewView>>(reviews);
    }

    private static async Task<Results<Ok<ResolvedView>, NotFound, ValidationProblem, ProblemHttpResult>> ResolveAsync(Guid id, ResolveRequest request,
        Hl7MessageIntake intake, CancellationToken ct)
    {
        if (request.PatientId == Guid.Empty)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patientId"] = ["A patient's id, or none to register a new patient."] });
        }
        return await intake.ResolveReviewAsync(id, request.PatientId, ct) switch
        {
            null => TypedResults.NotFound(),
            AdtPatientUpdates.AdtOutcome.Applied applied => TypedResults.Ok(new ResolvedView(id, applied.Patient.Id, applied.Created, applied.Patient.Version)),
            AdtPatientUpdates.AdtOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            AdtPatientUpdates.AdtOutcome.Refused { NotFound: true } => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["patientId"] = ["No such patient in this organization."] }),
            AdtPatientUpdates.AdtOutcome.Refused refused => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The message cannot be applied to this patient.",
                detail: refused.Reason),
            var other => throw new InvalidOperationException($"Unexpected ADT outcome {other.GetType().Name}."),
        };
    }
}
