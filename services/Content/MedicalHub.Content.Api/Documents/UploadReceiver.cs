using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// Takes an upload off the wire into a staged object, streaming: <c>multipart/form-data</c> (fields first, then one file
/// part named <c>file</c>) or the raw body (fields in the query string). Refuses early what it can (a declared length
/// over the limit, a compressed body, bad fields) and after the bytes what needs them (over the limit while streaming, a
/// truncated body, a digest that does not match, a media type that is not what was claimed, a zip bomb); anything
/// refused after staging is discarded, so no refused upload leaves bytes behind.
/// </summary>
public sealed class UploadReceiver(ObjectStaging staging, ObjectStores stores, ArchiveInspector archives, DocumentPatients patients, IOptions<DocumentSettings> settings)
{
    /// <summary>Room for a multipart body's boundaries and fields beyond the file itself.</summary>
    private const long MultipartOverhead = 64 * 1024;

    private const int MaxFieldLength = 2000;

    public static readonly string[] FieldNames = ["title", "category", "patientId", "fileName"];

    public abstract record Outcome;

    /// <summary>A staged object (to commit or discard) with what the client said about it.</summary>
    public sealed record Received(StoredObject Staged, string MediaType, IReadOnlyDictionary<string, string> Fields) : Outcome
    {
        public string? Field(string name) => Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
    }

    public sealed record Invalid(Dictionary<string, string[]> Errors) : Outcome;

    public sealed record Refused(int Status, string Title, string Detail) : Outcome;

    /// <summary>An upload that was not received (<see cref="Invalid"/> or <see cref="Refused"/>) as the ProblemDetails that answers it.</summary>
    public static ProblemHttpResult Problem(Outcome notReceived) => notReceived switch
    {
        Invalid invalid => TypedResults.Problem(new HttpValidationProblemDetails(invalid.Errors) { Status = StatusCodes.Status400BadRequest }),
        Refused refused => TypedResults.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Detail),
        _ => throw new ArgumentException("The upload was received.", nameof(notReceived)),
    };

    public async Task<Outcome> ReceiveAsync(HttpRequest request, CancellationToken ct)
    {
        var max = settings.Value.MaxUploadBytes;
        var isMultipart = request.HasFormContentType && request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        var wireLimit = isMultipart ? max + MultipartOverhead : max;
        if (request.ContentLength > wireLimit)
        {
            return TooLarge(max);
        }
        if (request.Headers.ContentEncoding is { Count: > 0 } encoding && !encoding.All(e => string.Equals(e, "identity", StringComparison.OrdinalIgnoreCase)))
        {
            return new Refused(StatusCodes.Status415UnsupportedMediaType, "Compressed uploads are not accepted.",
                "Send the file's bytes as they are, without Content-Encoding.");
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = wireLimit;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Stream body;
        string? claimedType;
        MultipartReader? multipart = null;
        if (isMultipart)
        {
            var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value;
            if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 70)
            {
                return new Refused(StatusCodes.Status400BadRequest, "The multipart body has no valid boundary.", "Give a boundary of 1 to 70 characters.");
            }
            multipart = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            MultipartSection? file;
            try
            {
                file = await ReadFieldsAsync(multipart, fields, errors, ct);
            }
            catch (IOException ex)
            {
                return Truncated(ex);
            }
            if (file is null)
            {
                errors.TryAdd("file", ["Add the file as a part named 'file' after the other fields."]);
                return new Invalid(errors);
            }
            body = file.Body;
            claimedType = file.ContentType;
        }
        else
        {
            foreach (var name in FieldNames)
            {
                if (request.Query.TryGetValue(name, out var value) && value.Count == 1)
                {
                    fields[name] = value.ToString();
                }
            }
            body = request.Body;
            claimedType = request.ContentType;
        }
        ValidateFields(fields, errors);
        if (errors.Count == 0 && fields.TryGetValue("patientId", out var patientField) && Guid.TryParse(patientField, out var patientId))
        {
            // Before a byte of the file is read: another organization's or an unknown patient is refused, a merged record's survivor taken.
            if (await patients.ResolveAsync(patientId, ct) is { } filedUnder)
            {
                fields["patientId"] = filedUnder.ToString();
            }
            else
            {
                errors["patientId"] = [DocumentPatients.Unknown];
            }
        }
        var claimed = MediaTypes.Normalize(claimedType);
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var outcome = await StageAndCheckAsync(body, claimed, request, ct, multipart);
        return outcome is Received received ? received with { Fields = fields } : outcome;
    }

    /// <summary>
    /// Bytes already off the wire (a FHIR attachment's or Binary's base64 data) as a staged, checked object: the limit,
    /// the media type detected and reconciled with <paramref name="claimedType"/>, the archive checks; refused ones discarded.
    /// </summary>
    public Task<Outcome> ReceiveBytesAsync(Stream bytes, string? claimedType, CancellationToken ct) =>
        StageAndCheckAsync(bytes, MediaTypes.Normalize(claimedType), request: null, ct);

    private async Task<Outcome> StageAndCheckAsync(Stream body, string? claimed, HttpRequest? request, CancellationToken ct, MultipartReader? multipart = null)
    {
        var max = settings.Value.MaxUploadBytes;
        ObjectStaging.Staged staged;
        try
        {
            staged = await staging.StageAsync(body, max, ct);
            if (multipart is not null && await multipart.ReadNextSectionAsync(ct) is not null)
            {
                await staging.DiscardAsync(staged.Stored);
                return new Invalid(new() { ["file"] = ["The file must be the last part of the body."] });
            }
        }
        catch (UploadTooLargeException)
        {
            return TooLarge(max);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(max);
        }
        catch (IOException ex) when (!ct.IsCancellationRequested)
        {
            return Truncated(ex);
        }

        var outcome = await CheckAsync(request, staged, claimed, ct);
        if (outcome is not Received)
        {
            await staging.DiscardAsync(staged.Stored);
        }
        return outcome;
    }

    private async Task<Outcome> CheckAsync(HttpRequest? request, ObjectStaging.Staged staged, string? claimed, CancellationToken ct)
    {
        var stored = staged.Stored;
        if (request?.ContentLength is { } declared && !request.HasFormContentType && declared != stored.SizeBytes)
        {
            return Truncated(null);
        }
        if (request is not null && DigestOf(request) is { } digest && !string.Equals(digest, stored.Sha256, StringComparison.Ordinal))
        {
            return new Refused(StatusCodes.Status400BadRequest, "The upload does not match its digest.",
                "The SHA-256 of the bytes received differs from the Repr-Digest the client sent: the upload was damaged or cut short. Nothing was stored.");
        }
        var detected = MediaTypes.Detect(staged.Head.Span);
        if (detected is null || MediaTypes.IsRefused(detected))
        {
            return new Refused(StatusCodes.Status415UnsupportedMediaType, "This kind of file is not accepted.",
                "Documents may be PDF, images (PNG, JPEG, GIF, TIFF, WebP), DICOM, HL7 v2, FHIR JSON, XML, plain text or CSV, ZIP archives and office documents.");
        }
        var mediaType = MediaTypes.Reconcile(detected, claimed);
        if (mediaType is null)
        {
            return new Refused(StatusCodes.Status422UnprocessableEntity, "The file is not what its media type says.",
                $"It was sent as {claimed}, but its bytes are {detected}.");
        }
        if (detected == MediaTypes.Zip)
        {
            await using var archive = new StoredObjectStream(stores.For(stored), stored);
            var verdict = await archives.InspectAsync(archive, mediaType == "application/x-zip-compressed" ? MediaTypes.Zip : mediaType, ct);
            if (verdict is ArchiveInspector.Refused refused)
            {
                return new Refused(StatusCodes.Status422UnprocessableEntity, "The archive is refused.", refused.Reason);
            }
            mediaType = ((ArchiveInspector.Accepted)verdict).MediaType;
        }
        stored.MediaType = mediaType;
        return new Received(stored, mediaType, new Dictionary<string, string>());
    }

    /// <summary>The fields before the file part; returns the file part (its body not yet read), or null when there is none.</summary>
    private static async Task<MultipartSection?> ReadFieldsAsync(MultipartReader reader, Dictionary<string, string> fields,
        Dictionary<string, string[]> errors, CancellationToken ct)
    {
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                errors["body"] = ["Every part needs Content-Disposition: form-data with a name."];
                return null;
            }
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (disposition.IsFileDisposition() || name == "file")
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                if (!string.IsNullOrEmpty(fileName))
                {
                    fields.TryAdd("fileName", fileName);
                }
                return section;
            }
            if (!FieldNames.Contains(name))
            {
                errors[name] = [$"Unknown field; the fields are {string.Join(", ", FieldNames)} and the file."];
                continue;
            }
            using var value = new StreamReader(section.Body);
            var buffer = new char[MaxFieldLength + 1];
            var length = await value.ReadBlockAsync(buffer, ct);
            if (length > MaxFieldLength)
            {
                errors[name] = [$"At most {MaxFieldLength} characters."];
                continue;
            }
            fields[name] = new string(buffer, 0, length);
        }
        return null;
    }

    private static void ValidateFields(Dictionary<string, string> fields, Dictionary<string, string[]> errors)
    {
        if (fields.TryGetValue("title", out var title) && title.Length > 500)
        {
            errors["title"] = ["At most 500 characters."];
        }
        if (fields.TryGetValue("category", out var category) && !DocumentCategories.All.Contains(category))
        {
            errors["category"] = [$"One of: {string.Join(", ", DocumentCategories.All.Order(StringComparer.Ordinal))}."];
        }
        if (fields.TryGetValue("patientId", out var patient) && patient.Length > 0 && !Guid.TryParse(patient, out _))
        {
            errors["patientId"] = ["A patient id (GUID)."];
        }
        if (fields.TryGetValue("fileName", out var fileName) && FileNames.Problem(fileName) is { } problem)
        {
            errors["fileName"] = [problem];
        }
    }

    /// <summary>The SHA-256 the client computed (<c>Repr-Digest</c> or <c>Content-Digest</c>, RFC 9530), as lower-case hex.</summary>
    private static string? DigestOf(HttpRequest request)
    {
        foreach (var header in new[] { "Repr-Digest", "Content-Digest" })
        {
            foreach (var member in request.Headers[header].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = member.Split('=', 2);
                if (parts.Length == 2 && parts[0].Equals("sha-256", StringComparison.OrdinalIgnoreCase) && parts[1].Length > 2
                    && parts[1].StartsWith(':') && parts[1].EndsWith(':'))
                {
                    try
                    {
                        return Convert.ToHexStringLower(Convert.FromBase64String(parts[1][1..^1]));
                    }
                    catch (FormatException)
                    {
                        return "invalid";
                    }
                }
            }
        }
        return null;
    }

    private static Refused TooLarge(long max) => new(StatusCodes.Status413PayloadTooLarge, "The file is too large.",
        $"Documents may be at most {max} bytes. Nothing was stored.");

    private static Refused Truncated(Exception? ex) => new(StatusCodes.Status400BadRequest, "The upload was cut short.",
        "The body ended before the length it declared or before its closing boundary. Nothing was stored." + (ex is null ? "" : $" ({ex.Message})"));
}

/// <summary>File names as clients give them: a name only, never a path, nothing a file system or a header could misread.</summary>
public static class FileNames
{
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > 255)
        {
            return "A file name is 1 to 255 characters.";
        }
        if (name.IndexOfAny(['/', '\\']) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            return "A file name, not a path: no '/', '\\' or '..'.";
        }
        if (name.Any(c => char.IsControl(c) || c is '"' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format))
        {
            return "No control, formatting or quote characters.";
        }
        if (name.Trim().Trim('.').Length == 0 || name != name.Trim())
        {
            return "Not blank, and no leading or trailing spaces.";
        }
        return null;
    }
}
