using System.Globalization;
using MedicalHub.Content.Api.Ingestion.Extraction;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion.Tools;

/// <summary>
/// Makes a document's two PNG previews (<see cref="Small"/> and <see cref="Large"/>, by their long side) from an image
/// with <c>gdk-pixbuf-thumbnailer</c> (Debian <c>libgdk-pixbuf2.0-bin</c>: PNG, JPEG, GIF, TIFF, BMP…), out of process
/// like every decoder here. A preview that cannot be made is a warning, never a failed document.
/// </summary>
public sealed class Thumbnailer(IOptions<IngestionSettings> settings)
{
    public const string Small = "small";
    public const string Large = "large";
    public const string Program = "gdk-pixbuf-thumbnailer";

    public static readonly IReadOnlyList<string> Sizes = [Small, Large];

    /// <summary>Adds both previews of <paramref name="image"/> to <paramref name="content"/>, or a warning.</summary>
    public async Task AddThumbnailsAsync(ExtractedContent content, string image, string workDirectory, CancellationToken ct)
    {
        var s = settings.Value;
        foreach (var (name, size) in new[] { (Large, s.LargeThumbnailSize), (Small, s.SmallThumbnailSize) })
        {
            var output = Path.Combine(workDirectory, $"thumbnail-{name}.png");
            try
            {
                var result = await ExternalTool.RunAsync(new ToolRun(Program, ["-s", size.ToString(CultureInfo.InvariantCulture), image, output], s.ThumbnailTimeout)
                {
                    MaxMemoryBytes = s.ToolMemoryBytes,
                    MaxOutputBytes = 1 << 16,
                }, ct);
                if (result.ExitCode != 0 || !File.Exists(output))
                {
                    content.Warnings.Add($"No {name} thumbnail: the image could not be decoded ({result.ErrorSummary}).");
                    return;
                }
                content.Thumbnails[name] = await File.ReadAllBytesAsync(output, ct);
            }
            catch (Exception ex) when (ex is ToolTimeoutException or ToolUnavailableException)
            {
                content.Warnings.Add($"No {name} thumbnail: {ex.Message}");
                return;
            }
        }
    }
}
