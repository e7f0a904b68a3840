using System.Globalization;
using MedicalHub.Content.Api.Ingestion.Extraction;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion.Tools;

/// <summary>
/// poppler-utils (Debian <c>poppler-utils</c>): <c>pdfinfo</c> for a PDF's page count, encryption and metadata,
/// <c>pdftotext</c> for its text page by page, <c>pdftoppm</c> to render a page (for OCR and thumbnails). Each run is an
/// <see cref="ExternalTool"/>: time-boxed, memory-capped, killed on timeout.
/// </summary>
public sealed class Poppler(IOptions<IngestionSettings> settings)
{
    private IngestionSettings Settings => settings.Value;

    public sealed record PdfInfo(int Pages, bool Encrypted, IReadOnlyDictionary<string, string> Fields);

    public async Task<PdfInfo> InfoAsync(string pdf, CancellationToken ct)
    {
        var result = await RunAsync("pdfinfo", ["-enc", "UTF-8", "-isodates", pdf], Settings.PdfToolTimeout, 1 << 20, ct);
        if (result.ExitCode != 0)
        {
            throw Unreadable(result);
        }
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in result.Output.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        var pages = fields.TryGetValue("Pages", out var count) && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var encrypted = fields.TryGetValue("Encrypted", out var encryption) && encryption.StartsWith("yes", StringComparison.OrdinalIgnoreCase);
        return new PdfInfo(pages, encrypted, fields);
    }

    /// <summary>
    /// The text of pages 1 to <paramref name="lastPage"/>, one string per page (pdftotext ends each page with a form feed).
    /// <c>Truncated</c>: the text ran past what is kept, so the later pages are missing.
    /// </summary>
    public async Task<(IReadOnlyList<string> Pages, bool Truncated)> TextAsync(string pdf, int lastPage, CancellationToken ct)
    {
        var result = await RunAsync("pdftotext", ["-enc", "UTF-8", "-f", "1", "-l", lastPage.ToString(CultureInfo.InvariantCulture), pdf, "-"],
            Settings.PdfToolTimeout, Math.Max(1L << 20, Settings.MaxIndexedCharacters * 2L), ct);
        if (result.ExitCode != 0 && !result.OutputTruncated)
        {
            throw Unreadable(result);
        }
        var pages = result.Output.Split('\f');
        // The text after the last form feed is empty, or the start of a page the cut left unfinished.
        return (pages.Length > 1 ? pages[..^1] : pages, result.OutputTruncated);
    }

    /// <summary>Renders one page as a PNG: at <paramref name="dpi"/> (OCR, in grey) or scaled so its long side is <paramref name="scaleTo"/> pixels (a preview).</summary>
    public async Task<string> RenderPageAsync(string pdf, int page, string outputBase, CancellationToken ct, int? dpi = null, int? scaleTo = null)
    {
        var number = page.ToString(CultureInfo.InvariantCulture);
        List<string> arguments = ["-png", "-f", number, "-l", number, "-singlefile"];
        if (dpi is { } resolution)
        {
            arguments.AddRange(["-r", resolution.ToString(CultureInfo.InvariantCulture), "-gray"]);
        }
        if (scaleTo is { } size)
        {
            arguments.AddRange(["-scale-to", size.ToString(CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange([pdf, outputBase]);
        var result = await RunAsync("pdftoppm", arguments, Settings.PdfToolTimeout, 1 << 16, ct);
        var png = outputBase + ".png";
        if (result.ExitCode != 0 || !File.Exists(png))
        {
            throw Unreadable(result);
        }
        return png;
    }

    private Task<ToolResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, long maxOutput, CancellationToken ct) =>
        ExternalTool.RunAsync(new ToolRun(program, arguments, timeout) { MaxMemoryBytes = Settings.ToolMemoryBytes, MaxOutputBytes = maxOutput }, ct);

    private static UnprocessableDocumentException Unreadable(ToolResult result)
    {
        var reason = result.ErrorSummary;
        return reason.Contains("password", StringComparison.OrdinalIgnoreCase)
            ? new UnprocessableDocumentException("The PDF is encrypted with a password; it cannot be read without it.")
            : new UnprocessableDocumentException($"The PDF cannot be read: {Anonymized(reason)}");
    }

    /// <summary>Poppler's messages name the file (a temporary path) and positions; the path is of no use to anyone.</summary>
    private static string Anonymized(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"/[^\s'""]+", "(file)");
}
