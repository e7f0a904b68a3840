using System.Globalization;
using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Ingestion.Tools;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion.Extraction;

/// <summary>
/// Images (PNG, JPEG, GIF, TIFF, WebP, BMP): the dimensions from the header first (over
/// <see cref="IngestionSettings.MaxImagePixels"/> is refused as a decompression bomb before any decoder runs), then OCR
/// (Tesseract, one page, time-limited) and the two previews.
/// </summary>
public sealed class ImageExtractor(Tesseract tesseract, Thumbnailer thumbnails, IOptions<IngestionSettings> settings) : IDocumentExtractor
{
    private static readonly HashSet<string> Types = [MediaTypes.Png, MediaTypes.Jpeg, MediaTypes.Gif, MediaTypes.Tiff, MediaTypes.Webp, "image/bmp"];

    public string Name => "image";

    public bool Reads(string mediaType) => Types.Contains(mediaType);

    public async Task<ExtractedContent> ExtractAsync(ExtractionInput input, CancellationToken ct)
    {
        var s = settings.Value;
        var (width, height) = ImageDimensions.Read(input.FilePath)
            ?? throw new UnprocessableDocumentException("The image's header cannot be read: the file is damaged or not the image its type says.");
        if (width <= 0 || height <= 0)
        {
            throw new UnprocessableDocumentException($"The image declares {width}×{height} pixels: it has no picture.");
        }
        if (width * height > s.MaxImagePixels)
        {
            throw new UnprocessableDocumentException(
                $"The image declares {width}×{height} pixels, over the limit of {s.MaxImagePixels} (a decompression bomb, or a scan at an absurd resolution).");
        }
        var content = new ExtractedContent(Name) { PageCount = 1 };
        content.AddMetadata("width", width.ToString(CultureInfo.InvariantCulture));
        content.AddMetadata("height", height.ToString(CultureInfo.InvariantCulture));
        if (s.OcrEnabled)
        {
            try
            {
                content.Pages.Add(new ExtractedPage(1, await tesseract.ReadAsync(input.FilePath, ct), Ocr: true));
            }
            catch (ToolTimeoutException timeout)
            {
                throw new UnprocessableDocumentException($"OCR of the image: {timeout.Message}");
            }
        }
        else
        {
            content.Warnings.Add("The image was not OCR'd: OCR is off.");
        }
        await thumbnails.AddThumbnailsAsync(content, input.FilePath, input.WorkDirectory, ct);
        return content;
    }
}
