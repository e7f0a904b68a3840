using System.Text;

namespace MedicalHub.Content.Api.Documents.ContentTypes;

/// <summary>
/// The media types a document may have, recognised from their first bytes (magic numbers, or the shape of text): what a
/// client claims is only checked against them, never believed. Types a browser would run (HTML, SVG) and anything not
/// recognised are refused.
/// </summary>
public static class MediaTypes
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string Tiff = "image/tiff";
    public const string Webp = "image/webp";
    public const string Dicom = "application/dicom";
    public const string Hl7V2 = "x-application/hl7-v2+er7";
    public const string FhirJson = "application/fhir+json";
    public const string Json = "application/json";
    public const string Xml = "application/xml";
    public const string Text = "text/plain";
    public const string Csv = "text/csv";
    public const string Zip = "application/zip";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    public const string Odt = "application/vnd.oasis.opendocument.text";
    public const string Ods = "application/vnd.oasis.opendocument.spreadsheet";
    public const string OctetStream = "application/octet-stream";

    /// <summary>Refused even though recognised: a browser would execute them.</summary>
    public const string Html = "text/html";
    public const string Svg = "image/svg+xml";

    /// <summary>Types that are ZIP archives inside (checked as archives, and told apart by their entries).</summary>
    public static readonly IReadOnlySet<string> ZipBased = new HashSet<string>(StringComparer.Ordinal) { Zip, Docx, Xlsx, Pptx, Odt, Ods, "application/x-zip-compressed" };

    /// <summary>Types a browser may show inline (the rest is always an attachment).</summary>
    public static readonly IReadOnlySet<string> SafeInline = new HashSet<string>(StringComparer.Ordinal) { Pdf, Png, Jpeg, Gif, Webp, Text };

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["image/jpg"] = Jpeg,
        ["image/pjpeg"] = Jpeg,
        ["text/xml"] = Xml,
        ["application/x-pdf"] = Pdf,
        ["application/hl7-v2"] = Hl7V2,
        ["application/x-hl7"] = Hl7V2,
        ["x-application/hl7-v2+er7"] = Hl7V2,
        ["application/x-zip-compressed"] = Zip,
        ["application/fhir+xml"] = Xml,
    };

    /// <summary>What the first bytes are; null when they are nothing this service accepts or refuses by name.</summary>
    public static string? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return Gif;
        }
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return Tiff;
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return Webp;
        }
        if (head.Length >= 132 && head[128..132].SequenceEqual("DICM"u8))
        {
            return Dicom;
        }
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8))
        {
            return Zip;
        }
        return DetectText(head);
    }

    private static string? DetectText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }
        if (head.IsEmpty)
        {
            return Text; // an empty file is empty text
        }
        if (!IsText(head))
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(head).TrimStart();
        if (text.StartsWith("MSH|", StringComparison.Ordinal) || text.StartsWith("FHS|", StringComparison.Ordinal) || text.StartsWith("BHS|", StringComparison.Ordinal))
        {
            return Hl7V2;
        }
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            return text.Contains("\"resourceType\"", StringComparison.Ordinal) ? FhirJson : Json;
        }
        if (text.StartsWith('<'))
        {
            if (text.Contains("<html", StringComparison.OrdinalIgnoreCase) || text.Contains("<!doctype html", StringComparison.OrdinalIgnoreCase)
                || text.Contains("<script", StringComparison.OrdinalIgnoreCase) || text.Contains("<body", StringComparison.OrdinalIgnoreCase))
            {
                return Html;
            }
            return text.Contains("<svg", StringComparison.OrdinalIgnoreCase) ? Svg : Xml;
        }
        return Text;
    }

    /// <summary>Valid UTF-8 (a sequence cut by the end of the sample allowed) without control characters other than tab, CR, LF, FF.</summary>
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\r' or (byte)'\n' or 0x0C))
            {
                return false;
            }
        }
        var status = System.Text.Unicode.Utf8.ToUtf16(head, new char[head.Length], out _, out _, replaceInvalidSequences: false, isFinalBlock: false);
        return status is System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.NeedMoreData;
    }

    /// <summary>The claimed type in canonical form (lower case, no parameters, aliases resolved); null when none or a generic binary type.</summary>
    public static string? Normalize(string? claimed)
    {
        if (string.IsNullOrWhiteSpace(claimed))
        {
            return null;
        }
        var type = claimed.Split(';', 2)[0].Trim().ToLowerInvariant();
        if (type is OctetStream or "binary/octet-stream" or "application/binary" or "")
        {
            return null;
        }
        return Aliases.GetValueOrDefault(type, type);
    }

    /// <summary>
    /// The type a document of these bytes gets, given what the client claims (null: no claim), or null when the claim
    /// contradicts the bytes. A ZIP archive may be claimed as any ZIP-based type: its entries decide later.
    /// </summary>
    public static string? Reconcile(string detected, string? claimed)
    {
        if (claimed is null || claimed == detected)
        {
            return detected;
        }
        return (detected, claimed) switch
        {
            (Json or FhirJson, Json or FhirJson) => detected,
            // Text formats are often sent as plain text: the bytes say which.
            (Hl7V2 or Json or FhirJson or Xml, Text) => detected,
            (Text, Csv or "text/markdown") => claimed,
            (Zip, _) when ZipBased.Contains(claimed) => claimed,
            _ => null,
        };
    }

    public static bool IsRefused(string detected) => detected is Html or Svg;
}
