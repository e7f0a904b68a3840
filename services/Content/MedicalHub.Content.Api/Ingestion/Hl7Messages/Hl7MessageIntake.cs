using System.Security.Cryptography;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Content.Formats.Hl7v2;
using MedicalHub.Content.Formats.Hl7v2.Mapping;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Ingestion.Hl7Messages;

/// <summary>
/// Receives one HL7 v2 message (ER7, MLLP-framed or not) and answers its acknowledgement (original mode):
/// <list type="bullet">
/// <item>ORU^R01: kept as a <c>lab-result</c> document; the ingestion pipeline makes its observations (matched or waiting for manual matching). <c>AA</c>.</item>
/// <item>ADT^A01/A04/A08: the patient is created or updated (<see cref="AdtPatientUpdates"/>), the message kept as the patient's
/// <c>administrative</c> document. <c>AA</c>; when a person must choose the patient, <c>AA</c> with a warning ERR and a review.</item>
/// <item>Unreadable (framing, MSH, delimiters…): <c>AR</c>. Another message type or event: <c>AR</c> (0357 codes 200/201).
/// A message read but not processable (no PID-3, a patient the registry refuses): <c>AE</c>. Nothing is kept for these.</item>
/// <item>The same bytes received again (a sender retrying after a lost ACK): <c>AA</c>, nothing done twice.</item>
/// </list>
/// ERR texts name the rule and the place, never a value (values are PHI).
/// </summary>
public sealed class Hl7MessageIntake(
    ContentDbContext db,
    UploadReceiver receiver,
    DocumentVersionWriter writer,
    ObjectStores stores,
    AdtPatientUpdates adt,
    CurrentCaller caller,
    TimeProvider time)
{
    /// <summary>The largest message accepted (the parser's own limit is 16 MiB; messages are kilobytes).</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>What to answer: the HTTP status and the ACK in ER7.</summary>
    public sealed record Answer(int Status, string Acknowledgement, Hl7AckCode Code);

    private static readonly string[] AdtEvents = ["A01", "A04", "A08"];

    public async Task<Answer> ReceiveAsync(byte[] body, CancellationToken ct)
    {
        var header = new Hl7AckHeader(Guid.NewGuid().ToString("N")[..20], time.GetUtcNow());
        byte[] payload;
        Hl7Message message;
        try
        {
            payload = Mllp.Payload(body).ToArray();
            message = Hl7Message.Parse(payload);
        }
        catch (Hl7FormatException unreadable)
        {
            return new(StatusCodes.Status400BadRequest, Hl7Acknowledgement.ForUnreadable(body, unreadable, header), Hl7AckCode.Reject);
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(payload));
        if (await db.Documents.AnyAsync(d => d.Sha256 == sha256 && d.MediaType == MediaTypes.Hl7V2, ct))
        {
            return Ack(message, Hl7AckCode.Accept, header, [new(Hl7ErrorCondition.MessageAccepted, "Already received: this message was processed before.",
                Severity: Hl7ErrorSeverity.Information)]);
        }

        var trigger = message.TriggerEvent.Length > 0 ? message.TriggerEvent : message.Get("EVN-1") ?? "";
        try
        {
            return (message.MessageCode, trigger) switch
            {
                ("ORU", "R01") => await ReceiveResultsAsync(message, payload, header, ct),
                ("ADT", var adtEvent) when AdtEvents.Contains(adtEvent) => await ReceivePatientAdministrationAsync(message, payload, header, ct),
                ("ORU" or "ADT", _) => Ack(message, Hl7AckCode.Reject, header, [new(Hl7ErrorCondition.UnsupportedEventCode,
                    $"{message.MessageCode}^{trigger} is not accepted: ORU^R01, ADT^A01, ADT^A04 and ADT^A08 are.", new Hl7Location("MSH", 1, 9, 1, 2))]),
                _ => Ack(message, Hl7AckCode.Reject, header, [new(Hl7ErrorCondition.UnsupportedMessageType,
                    "The message type is not accepted: ORU^R01, ADT^A01, ADT^A04 and ADT^A08 are.", new Hl7Location("MSH", 1, 9, 1, 1))]),
            };
        }
        catch (Hl7FormatException refused)
        {
            var code = refused.Kind is Hl7ErrorKind.UnsupportedMessageType or Hl7ErrorKind.UnsupportedTriggerEvent ? Hl7AckCode.Reject : Hl7AckCode.Error;
            return Ack(message, code, header, [Hl7AckError.From(refused)]);
        }
    }

    private async Task<Answer> ReceiveResultsAsync(Hl7Message message, byte[] payload, Hl7AckHeader header, CancellationToken ct)
    {
        var results = LabResultMapping.FromOruR01(message);
        var stored = await StoreAsync(message, payload, DocumentCategories.LabResult, patientId: null, ct);
        if (stored is not null)
        {
            return stored;
        }
        return Ack(message, Hl7AckCode.Accept, header, Warnings(results.Warnings));
    }

    private async Task<Answer> ReceivePatientAdministrationAsync(Hl7Message message, byte[] payload, Hl7AckHeader header, CancellationToken ct)
    {
        var administration = PatientAdministrationMapping.FromAdt(message);
        if (!caller.HasPermission(PermissionNames.PatientsWrite))
        {
            return Ack(message, Hl7AckCode.Reject, header, [new(Hl7ErrorCondition.ApplicationInternalError,
                "The sender's account may not register or change patients (patients:write).")], StatusCodes.Status403Forbidden);
        }
        var outcome = await adt.ApplyAsync(administration, ct);
        switch (outcome)
        {
            case AdtPatientUpdates.AdtOutcome.Applied applied:
                return await StoreAsync(message, payload, DocumentCategories.Administrative, applied.Patient.Id, ct)
                    ?? Ack(message, Hl7AckCode.Accept, header, Warnings(administration.Warnings));
            case AdtPatientUpdates.AdtOutcome.NeedsReview review:
                var document = await StoreDocumentAsync(message, payload, DocumentCategories.Administrative, patientId: null, ct);
                if (document is null)
                {
                    return Unavailable(message, header);
                }
                db.Add(new PatientAdministrationReview
                {
                    DocumentId = document.Value,
                    TriggerEvent = administration.TriggerEvent,
                    Reason = review.Reason,
                    CandidatePatientIds = [.. review.Candidates],
                    CreatedAt = time.GetUtcNow(),
                });
                await db.SaveChangesAsync(ct);
                return Ack(message, Hl7AckCode.Accept, header, [new(Hl7ErrorCondition.DuplicateKeyIdentifier,
                    $"Kept for manual review, not applied yet: {review.Reason}", new Hl7Location("PID", 1, 3), Hl7ErrorSeverity.Warning),
                    .. Warnings(administration.Warnings)]);
            case AdtPatientUpdates.AdtOutcome.Invalid invalid:
                return Ack(message, Hl7AckCode.Error, header, [.. invalid.Errors.Select(e => new Hl7AckError(Hl7ErrorCondition.DataTypeError,
                    $"{e.Key}: {string.Join(" ", e.Value)}", PidLocation(e.Key)))]);
            case AdtPatientUpdates.AdtOutcome.Refused:
                return Ack(message, Hl7AckCode.Error, header, [new(Hl7ErrorCondition.ApplicationRecordLocked,
                    "The patient changed concurrently or an identifier of the message names another patient; the message was not applied.", new Hl7Location("PID", 1, 3))]);
            default:
                throw new InvalidOperationException($"Unexpected ADT outcome {outcome.GetType().Name}.");
        }
    }

    /// <summary>
    /// Applies the ADT message a review holds to the patient a person chose (<paramref name="patientId"/>), or to a new
    /// patient when none is given; the review is then resolved and the message filed under that patient. Null when the
    /// organization has no such open review.
    /// </summary>
    public async Task<AdtPatientUpdates.AdtOutcome?> ResolveReviewAsync(Guid reviewId, Guid? patientId, CancellationToken ct)
    {
        var review = await db.Set<PatientAdministrationReview>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == reviewId && r.ResolvedAt == null, ct);
        var document = review is null ? null : await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == review.DocumentId, ct);
        if (review is null || document is null)
        {
            return null;
        }
        var version = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == document.Id && v.Number == document.CurrentVersion, ct);
        var stored = await db.StoredObjects.AsNoTracking().SingleAsync(o => o.Key == version.StoredObjectKey, ct);
        using var bytes = new MemoryStream();
        await using (var source = await stores.For(stored).OpenReadAsync(stored, 0, ct))
        {
            await source.CopyToAsync(bytes, ct);
        }
        var administration = PatientAdministrationMapping.FromAdt(Hl7Message.Parse(bytes.ToArray()));
        var outcome = await adt.ApplyToAsync(administration, patientId, ct);
        if (outcome is AdtPatientUpdates.AdtOutcome.Applied applied)
        {
            // The registry's transaction cleared the change tracker: the review is updated by statement.
            var now = time.GetUtcNow();
            await db.Set<PatientAdministrationReview>().Where(r => r.Id == review.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.ResolvedAt, now).SetProperty(r => r.ResolvedPatientId, applied.Patient.Id)
                    .SetProperty(r => r.ResolvedBy, caller.UserId), ct);
            await db.Documents.Where(d => d.Id == document.Id && d.PatientId == null)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.PatientId, applied.Patient.Id).SetProperty(d => d.Revision, d => d.Revision + 1)
                    .SetProperty(d => d.UpdatedAt, now), ct);
        }
        return outcome;
    }

    /// <summary>Keeps the message as a document; null when done, else the NAK to answer.</summary>
    private async Task<Answer?> StoreAsync(Hl7Message message, byte[] payload, string category, Guid? patientId, CancellationToken ct) =>
        await StoreDocumentAsync(message, payload, category, patientId, ct) is null
            ? Unavailable(message, new Hl7AckHeader(Guid.NewGuid().ToString("N")[..20], time.GetUtcNow()))
            : null;

    private async Task<Guid?> StoreDocumentAsync(Hl7Message message, byte[] payload, string category, Guid? patientId, CancellationToken ct)
    {
        await using var bytes = new MemoryStream(payload, writable: false);
        if (await receiver.ReceiveBytesAsync(bytes, MediaTypes.Hl7V2, ct) is not UploadReceiver.Received received)
        {
            return null;
        }
        var sender = message.Get("MSH-4.1") is { Length: > 0 } facility ? facility : message.Get("MSH-3.1") is { Length: > 0 } application ? application : "an unnamed sender";
        var title = $"HL7 {message.MessageCode}^{message.TriggerEvent} from {sender}";
        var written = await writer.CreateAsync(new DocumentVersionWriter.NewDocument(title.Length <= 500 ? title : title[..500], category, patientId),
            received.Staged, FileNameOf(message), caller.UserId!.Value, ct);
        return written is DocumentVersionWriter.Written { Document: var document } ? document.Id : null;
    }

    /// <summary><c>{MSH-10}.hl7</c> when the control ID is a safe file name, else <c>message.hl7</c>.</summary>
    private static string FileNameOf(Hl7Message message)
    {
        var id = message.ControlId;
        return id.Length is > 0 and <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !id.StartsWith('.') ? id + ".hl7" : "message.hl7";
    }

    private static Answer Unavailable(Hl7Message message, Hl7AckHeader header) =>
        Ack(message, Hl7AckCode.Reject, header, [new(Hl7ErrorCondition.ApplicationInternalError, "The message could not be kept; send it again later.")],
            StatusCodes.Status503ServiceUnavailable);

    private static Answer Ack(Hl7Message message, Hl7AckCode code, Hl7AckHeader header, IReadOnlyList<Hl7AckError> errors, int? status = null) =>
        new(status ?? (code == Hl7AckCode.Accept ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity),
            Hl7Acknowledgement.Create(message, code, header, errors), code);

    private static IReadOnlyList<Hl7AckError> Warnings(IReadOnlyList<Hl7MappingWarning> warnings) =>
        [.. warnings.Take(20).Select(w => new Hl7AckError(Hl7ErrorCondition.DataTypeError, w.Text, w.Location, Hl7ErrorSeverity.Warning))];

    /// <summary>The PID field a registry rule is about (the registry names its fields as JSON paths).</summary>
    private static Hl7Location? PidLocation(string field) => field.Split('[', '.')[0] switch
    {
        "identifiers" => new("PID", 1, 3),
        "names" => new("PID", 1, 5),
        "birthDate" => new("PID", 1, 7),
        "gender" => new("PID", 1, 8),
        "addresses" => new("PID", 1, 11),
        "telecom" => new("PID", 1, 13),
        _ => null,
    };
}
