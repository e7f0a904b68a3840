namespace MedicalHub.Content.Api.Ingestion;

/// <summary><c>MedicalHub:Content:Ingestion</c>: the pipeline's pace, retries and the limits of each extractor.</summary>
public sealed class IngestionSettings
{
    public const string SectionName = "MedicalHub:Content:Ingestion";

    /// <summary>Whether this replica runs the worker (every replica may; they share the jobs).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Jobs claimed per pass.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Jobs of one pass processed at once.</summary>
    public int MaxParallelism { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How long an idle worker waits before looking for jobs again (a stored version wakes this replica's at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim holds while its worker renews it; a worker that died leaves its jobs to others after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most one job may take, all steps together, before it counts as a failed attempt.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Attempts before a job that keeps failing (or keeps killing its worker) is left failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A document larger than this is stored but not processed (its job fails with the reason).</summary>
    public long MaxDocumentBytes { get; set; } = 512L << 20;

    /// <summary>Text kept per document for search and snippets (characters); the rest is cut, with a warning.</summary>
    public int MaxIndexedCharacters { get; set; } = 1_000_000;

    /// <summary>A PDF with more pages is not processed (failed, with the count).</summary>
    public int MaxPdfPages { get; set; } = 2_000;

    /// <summary>Time allowed for each poppler run (text of the whole PDF, its metadata, one page's rendering).</summary>
    public TimeSpan PdfToolTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Address space allowed to each external program (prlimit).</summary>
    public long ToolMemoryBytes { get; set; } = 1L << 30;

    /// <summary>Whether scans and images are OCR'd (tesseract).</summary>
    public bool OcrEnabled { get; set; } = true;

    /// <summary>Tesseract's languages (installed traineddata), e.g. <c>eng+fra</c>.</summary>
    public string OcrLanguages { get; set; } = "eng+fra";

    /// <summary>The time limit of OCR per page (image).</summary>
    public TimeSpan OcrPageTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Pages of a scanned PDF OCR'd at most; later pages are left without text (with a warning).</summary>
    public int MaxOcrPages { get; set; } = 100;

    /// <summary>Resolution scanned pages are rendered at for OCR.</summary>
    public int OcrDpi { get; set; } = 300;

    /// <summary>A PDF page with fewer characters of text than this is taken for a scan (and OCR'd).</summary>
    public int ScannedPageMinCharacters { get; set; } = 16;

    /// <summary>An image with more pixels than this is refused (a decompression bomb); 100 megapixels by default.</summary>
    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>The long side of the two thumbnails, in pixels.</summary>
    public int SmallThumbnailSize { get; set; } = 128;

    public int LargeThumbnailSize { get; set; } = 512;

    public TimeSpan ThumbnailTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
