using System.Text;
using MedicalHub.Content.Api.Documents.ContentTypes;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion.Extraction;

/// <summary>Plain text, CSV, JSON and XML: the text itself (UTF-8, or Latin-1 when it is not valid UTF-8), as one page.</summary>
public sealed class TextExtractor(IOptions<IngestionSettings> settings) : IDocumentExtractor
{
    private static readonly HashSet<string> Types = [MediaTypes.Text, MediaTypes.Csv, MediaTypes.Json, MediaTypes.Xml, "text/markdown"];

    public string Name => "text";

    public bool Reads(string mediaType) => Types.Contains(mediaType);

    public async Task<ExtractedContent> ExtractAsync(ExtractionInput input, CancellationToken ct)
    {
        var content = new ExtractedContent(Name) { PageCount = 1 };
        content.Pages.Add(new ExtractedPage(1, await ReadTextAsync(input.FilePath, settings.Value.MaxIndexedCharacters, content.Warnings, ct), Ocr: false));
        return content;
    }

    /// <summary>The file's text, at most <paramref name="maxCharacters"/> (with a warning when cut).</summary>
    public static async Task<string> ReadTextAsync(string path, int maxCharacters, List<string> warnings, CancellationToken ct)
    {
        var maxBytes = (int)Math.Min(new FileInfo(path).Length, maxCharacters * 4L);
        var bytes = new byte[maxBytes];
        await using (var file = File.OpenRead(path))
        {
            await file.ReadExactlyAsync(bytes, ct);
        }
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // A cut in the middle of a UTF-8 sequence, or another encoding: read it as Latin-1 rather than drop it.
            text = Encoding.Latin1.GetString(bytes);
        }
        if (text.Length > maxCharacters || maxBytes < new FileInfo(path).Length)
        {
            warnings.Add($"Only the first {maxCharacters} characters were indexed.");
            text = text.Length > maxCharacters ? text[..maxCharacters] : text;
        }
        return text.TrimStart('\uFEFF');
    }
}
