namespace MedicalHub.Content.Api.Ingestion.Extraction;

/// <summary>Reads the text, metadata and previews of one kind of document (by its detected media type).</summary>
public interface IDocumentExtractor
{
    /// <summary>The name recorded as <see cref="DocumentExtraction.Extractor"/>.</summary>
    string Name { get; }

    bool Reads(string mediaType);

    /// <exception cref="UnprocessableDocumentException">The document cannot be processed, whatever the number of attempts.</exception>
    Task<ExtractedContent> ExtractAsync(ExtractionInput input, CancellationToken ct);
}

/// <param name="FilePath">The version's bytes, copied to a private temporary folder.</param>
/// <param name="WorkDirectory">A private folder for the extractor's own files (deleted afterwards).</param>
public sealed record ExtractionInput(string FilePath, string MediaType, long SizeBytes, string WorkDirectory);

public sealed record ExtractedPage(int Number, string Text, bool Ocr);

/// <summary>What an extractor found: the text by page, metadata, warnings and the PNG previews (<c>small</c>, <c>large</c>).</summary>
public sealed class ExtractedContent(string extractor)
{
    public string Extractor { get; } = extractor;

    public List<ExtractedPage> Pages { get; } = [];

    public List<MetadataEntry> Metadata { get; } = [];

    public List<string> Warnings { get; } = [];

    public Dictionary<string, byte[]> Thumbnails { get; } = new(StringComparer.Ordinal);

    /// <summary>Pages the document has, also when not all were read (0: not paged).</summary>
    public int PageCount { get; set; }

    public void AddMetadata(string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            Metadata.Add(new MetadataEntry(name, value.Trim().Length <= 500 ? value.Trim() : value.Trim()[..500]));
        }
    }
}

/// <summary>
/// The document cannot be processed (corrupt, encrypted, too large, a decompression bomb, not what its type says):
/// its job fails at once with <see cref="Exception.Message"/> as the reason, which names the rule, never the content.
/// </summary>
public sealed class UnprocessableDocumentException(string message) : Exception(message);

/// <summary>Picks the extractor of a media type; a type none handles is indexed by its title only.</summary>
public sealed class DocumentExtractors(IEnumerable<IDocumentExtractor> extractors)
{
    private readonly IDocumentExtractor[] _extractors = [.. extractors];

    public IDocumentExtractor? For(string mediaType) => _extractors.FirstOrDefault(e => e.Reads(mediaType));
}
