using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion.Tools;

/// <summary>
/// OCR with the machine's Tesseract (Debian <c>tesseract-ocr</c> with <c>tesseract-ocr-eng</c> and <c>-fra</c>) in
/// <see cref="IngestionSettings.OcrLanguages"/>: one run per image or page, within <see cref="IngestionSettings.OcrPageTimeout"/>,
/// single-threaded (<c>OMP_THREAD_LIMIT=1</c>: the worker runs pages in parallel itself, and the machine is shared).
/// </summary>
public sealed class Tesseract(IOptions<IngestionSettings> settings)
{
    public const string Program = "tesseract";

    /// <summary>What the benchmark's bare runs use too, so the two are compared on equal terms.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string> { ["OMP_THREAD_LIMIT"] = "1" };

    public static IReadOnlyList<string> Arguments(string image, string languages) => [image, "stdout", "-l", languages];

    /// <summary>The text Tesseract reads in <paramref name="image"/>.</summary>
    /// <exception cref="ToolTimeoutException">The page took longer than its time limit.</exception>
    public async Task<string> ReadAsync(string image, CancellationToken ct)
    {
        var s = settings.Value;
        var result = await ExternalTool.RunAsync(new ToolRun(Program, Arguments(image, s.OcrLanguages), s.OcrPageTimeout)
        {
            MaxMemoryBytes = s.ToolMemoryBytes,
            MaxOutputBytes = 4 << 20,
            Environment = Environment,
        }, ct);
        if (result.ExitCode != 0)
        {
            throw new Extraction.UnprocessableDocumentException($"OCR could not read the image: {result.ErrorSummary}");
        }
        return result.Output;
    }
}
