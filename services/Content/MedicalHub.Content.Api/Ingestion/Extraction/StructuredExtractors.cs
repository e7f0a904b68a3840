using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Formats.Dicom;
using MedicalHub.Content.Formats.Hl7v2;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion.Extraction;

/// <summary>
/// An HL7 v2 message (our parser, <c>MedicalHub.Content.Formats</c>): every value of every segment after MSH as text,
/// so that a result's codes, names and comments are found; the header as metadata. An unreadable message is refused
/// with the parser's reason (which names where, never a value).
/// </summary>
public sealed class Hl7Extractor(IOptions<IngestionSettings> settings) : IDocumentExtractor
{
    public string Name => "hl7v2";

    public bool Reads(string mediaType) => mediaType == MediaTypes.Hl7V2;

    public async Task<ExtractedContent> ExtractAsync(ExtractionInput input, CancellationToken ct)
    {
        Hl7Message message;
        try
        {
            message = Hl7Message.Parse(await File.ReadAllBytesAsync(input.FilePath, ct));
        }
        catch (Hl7FormatException ex)
        {
            throw new UnprocessableDocumentException($"The HL7 v2 message cannot be read: {ex.Message}");
        }
        var content = new ExtractedContent(Name) { PageCount = 1 };
        content.AddMetadata("messageType", $"{message.MessageCode}^{message.TriggerEvent}");
        content.AddMetadata("controlId", message.ControlId);
        content.AddMetadata("version", message.Version);
        content.AddMetadata("sendingApplication", message.Get("MSH-3.1"));
        content.AddMetadata("sendingFacility", message.Get("MSH-4.1"));
        content.Pages.Add(new ExtractedPage(1, Cap(Render(message), settings.Value.MaxIndexedCharacters, content.Warnings), Ocr: false));
        return content;
    }

    /// <summary>One line per segment (MSH left out): its values, components separated by spaces.</summary>
    public static string Render(Hl7Message message)
    {
        var text = new StringBuilder();
        foreach (var segment in message.Segments.Skip(1))
        {
            var line = new StringBuilder();
            for (var f = 1; f <= segment.FieldCount; f++)
            {
                foreach (var repetition in segment.Field(f).Repetitions)
                {
                    for (var c = 1; c <= Math.Max(1, repetition.ComponentCount); c++)
                    {
                        if (repetition.Component(c).Value is { Length: > 0 } value && value != "\"\"")
                        {
                            line.Append(value).Append(' ');
                        }
                    }
                }
            }
            if (line.Length > 0)
            {
                text.Append(line.ToString().TrimEnd()).Append('\n');
            }
        }
        return text.ToString();
    }

    internal static string Cap(string text, int max, List<string> warnings)
    {
        if (text.Length <= max)
        {
            return text;
        }
        warnings.Add($"Only the first {max} characters were indexed.");
        return text[..max];
    }
}

/// <summary>
/// A FHIR resource or Bundle in JSON: the narratives (their HTML stripped), the display texts, the codes and the text
/// values of every resource, as one page; the resource type (and the Bundle's type and entries) as metadata.
/// </summary>
public sealed partial class FhirJsonExtractor(IOptions<IngestionSettings> settings) : IDocumentExtractor
{
    private static readonly HashSet<string> TextProperties = new(StringComparer.Ordinal)
    {
        "div", "text", "display", "code", "value", "valueString", "valueCode", "title", "description", "name", "family", "given", "comment", "note",
        "conclusion", "unit", "summary", "status",
    };

    public string Name => "fhir";

    public bool Reads(string mediaType) => mediaType == MediaTypes.FhirJson;

    public async Task<ExtractedContent> ExtractAsync(ExtractionInput input, CancellationToken ct)
    {
        JsonDocument json;
        try
        {
            await using var file = File.OpenRead(input.FilePath);
            json = await JsonDocument.ParseAsync(file, new JsonDocumentOptions { MaxDepth = 64 }, ct);
        }
        catch (JsonException ex)
        {
            throw new UnprocessableDocumentException($"The FHIR resource is not valid JSON: {ex.Message}");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new UnprocessableDocumentException("The FHIR document has no resourceType.");
            }
            var content = new ExtractedContent(Name) { PageCount = 1 };
            content.AddMetadata("resourceType", type.GetString());
            if (root.TryGetProperty("type", out var bundleType) && bundleType.ValueKind == JsonValueKind.String)
            {
                content.AddMetadata("bundleType", bundleType.GetString());
            }
            if (root.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
            {
                content.AddMetadata("entries", entries.GetArrayLength().ToString(CultureInfo.InvariantCulture));
            }
            var text = new StringBuilder();
            Collect(root, null, text, settings.Value.MaxIndexedCharacters);
            content.Pages.Add(new ExtractedPage(1, Hl7Extractor.Cap(text.ToString(), settings.Value.MaxIndexedCharacters, content.Warnings), Ocr: false));
            return content;
        }
    }

    private static void Collect(JsonElement element, string? name, StringBuilder text, int max)
    {
        if (text.Length > max)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, property.Name, text, max);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, name, text, max);
                }
                break;
            case JsonValueKind.String when name is not null && TextProperties.Contains(name):
                var value = element.GetString()!;
                text.Append(name == "div" ? WebUtilityDecode(Tags().Replace(value, " ")) : value).Append('\n');
                break;
            case JsonValueKind.Number when name is "value":
                text.Append(element.GetRawText()).Append('\n');
                break;
        }
    }

    private static string WebUtilityDecode(string html) => System.Net.WebUtility.HtmlDecode(html);

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}

/// <summary>
/// A DICOM Part 10 file (our header reader: the pixel data is never read): modality, dates, descriptions, the
/// study/series/instance identity as metadata and as text. A file the reader refuses (a lying length, a truncated
/// header…) is refused with its reason.
/// </summary>
public sealed class DicomExtractor : IDocumentExtractor
{
    public string Name => "dicom";

    public bool Reads(string mediaType) => mediaType == MediaTypes.Dicom;

    public Task<ExtractedContent> ExtractAsync(ExtractionInput input, CancellationToken ct)
    {
        var header = ReadHeader(input.FilePath);
        var content = new ExtractedContent(Name) { PageCount = 1 };
        content.AddMetadata("modality", header.Modality);
        content.AddMetadata("studyDate", header.StudyDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        content.AddMetadata("studyDescription", header.StudyDescription);
        content.AddMetadata("seriesDescription", header.SeriesDescription);
        content.AddMetadata("studyInstanceUid", header.StudyInstanceUid);
        content.AddMetadata("seriesInstanceUid", header.SeriesInstanceUid);
        content.AddMetadata("sopInstanceUid", header.SopInstanceUid);
        content.AddMetadata("sopClassUid", header.SopClassUid);
        content.AddMetadata("transferSyntaxUid", header.TransferSyntaxUid);
        content.AddMetadata("accessionNumber", header.AccessionNumber);
        if (header.Status == DicomReadStatus.UnsupportedTransferSyntax)
        {
            content.Warnings.Add($"Only the file meta information was read: {header.UnsupportedReason}");
        }
        content.Warnings.AddRange(header.Warnings);
        var text = string.Join('\n', new[]
        {
            header.Modality, header.StudyDescription, header.SeriesDescription, header.AccessionNumber,
            header.PatientName is { } name ? string.Join(' ', new[] { name.Given, name.Family }.Where(p => p is not null)) : null,
            header.PatientId,
        }.Where(v => !string.IsNullOrWhiteSpace(v)));
        content.Pages.Add(new ExtractedPage(1, text, Ocr: false));
        return Task.FromResult(content);
    }

    /// <summary>The header, or <see cref="UnprocessableDocumentException"/> with the reader's reason.</summary>
    public static DicomFileHeader ReadHeader(string path)
    {
        try
        {
            return DicomFileReader.Read(path);
        }
        catch (DicomFormatException ex)
        {
            throw new UnprocessableDocumentException($"The DICOM file cannot be read: {ex.Message}");
        }
    }
}
