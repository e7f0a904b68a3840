using MedicalHub.Content.Api.Documents.ContentTypes;
using MedicalHub.Content.Api.Ingestion.Tools;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion.Extraction;

/// <summary>
/// PDF: page count, encryption and metadata (<c>pdfinfo</c>), text page by page (<c>pdftotext</c>); a page with
/// (almost) no text is a scan, rendered (<c>pdftoppm</c>) and OCR'd; the first page is rendered for the previews.
/// Refused: an unreadable or password-protected PDF, or one of more than <see cref="IngestionSettings.MaxPdfPages"/> pages.
/// </summary>
public sealed class PdfExtractor(Poppler poppler, Tesseract tesseract, Thumbnailer thumbnails, IOptions<IngestionSettings> settings) : IDocumentExtractor
{
    /// <summary>pdfinfo's fields kept, and the names they have in the extraction's metadata.</summary>
    private static readonly (string Field, string Name)[] MetadataFields =
    [
        ("Title", "title"), ("Author", "author"), ("Subject", "subject"), ("Keywords", "keywords"), ("Creator", "creator"), ("Producer", "producer"),
        ("CreationDate", "creationDate"), ("ModDate", "modificationDate"), ("PDF version", "pdfVersion"), ("Page size", "pageSize"),
    ];

    public string Name => "pdf";

    public bool Reads(string mediaType) => mediaType == MediaTypes.Pdf;

    public async Task<ExtractedContent> ExtractAsync(ExtractionInput input, CancellationToken ct)
    {
        var s = settings.Value;
        var content = new ExtractedContent(Name);
        var info = await poppler.InfoAsync(input.FilePath, ct);
        if (info.Pages == 0)
        {
            throw new UnprocessableDocumentException("The PDF has no pages.");
        }
        if (info.Pages > s.MaxPdfPages)
        {
            throw new UnprocessableDocumentException(
                $"The PDF has {info.Pages} pages; at most {s.MaxPdfPages} are processed (MedicalHub:Content:Ingestion:MaxPdfPages).");
        }
        content.PageCount = info.Pages;
        foreach (var (field, name) in MetadataFields)
        {
            content.AddMetadata(name, info.Fields.GetValueOrDefault(field));
        }
        if (info.Encrypted)
        {
            content.AddMetadata("encrypted", "yes (no password needed to read it)");
        }

        var (pages, truncated) = await poppler.TextAsync(input.FilePath, info.Pages, ct);
        if (truncated)
        {
            content.Warnings.Add($"The text was cut after page {pages.Count} (over {s.MaxIndexedCharacters} characters are not kept).");
        }
        var ocrBudget = s.OcrEnabled ? s.MaxOcrPages : 0;
        var skippedScans = 0;
        for (var i = 0; i < pages.Count; i++)
        {
            var text = pages[i];
            if (CountLetters(text) < s.ScannedPageMinCharacters && !truncated)
            {
                if (ocrBudget > 0)
                {
                    ocrBudget--;
                    var image = await poppler.RenderPageAsync(input.FilePath, i + 1, Path.Combine(input.WorkDirectory, $"page-{i + 1}"), ct, dpi: s.OcrDpi);
                    try
                    {
                        content.Pages.Add(new ExtractedPage(i + 1, await tesseract.ReadAsync(image, ct), Ocr: true));
                    }
                    catch (ToolTimeoutException timeout)
                    {
                        content.Warnings.Add($"Page {i + 1}: {timeout.Message}");
                        content.Pages.Add(new ExtractedPage(i + 1, text, Ocr: false));
                    }
                    finally
                    {
                        File.Delete(image);
                    }
                    continue;
                }
                skippedScans++;
            }
            content.Pages.Add(new ExtractedPage(i + 1, text, Ocr: false));
        }
        if (skippedScans > 0)
        {
            content.Warnings.Add(s.OcrEnabled
                ? $"{skippedScans} scanned page(s) beyond the first {s.MaxOcrPages} were not OCR'd (MaxOcrPages)."
                : $"{skippedScans} scanned page(s) were not OCR'd: OCR is off.");
        }

        try
        {
            var preview = await poppler.RenderPageAsync(input.FilePath, 1, Path.Combine(input.WorkDirectory, "preview"), ct, scaleTo: s.LargeThumbnailSize);
            await thumbnails.AddThumbnailsAsync(content, preview, input.WorkDirectory, ct);
        }
        catch (Exception ex) when (ex is UnprocessableDocumentException or ToolTimeoutException)
        {
            content.Warnings.Add($"No thumbnail: the first page could not be rendered ({ex.Message}).");
        }
        return content;
    }

    private static int CountLetters(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                count++;
            }
        }
        return count;
    }
}
