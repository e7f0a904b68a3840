using MedicalHub.Content.Api.Documents;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;

namespace MedicalHub.Content.Api.Search;

/// <summary>
/// A document as full-text search finds it (one row per document, from its latest processed version): its text and
/// the <c>tsvector</c> made of it (title weighted A, text B) in the text search configuration of its language
/// (<see cref="TextLanguages"/>: stemmed, accents ignored), with the fields search filters on. Written only by
/// <see cref="SearchIndexer"/>, in SQL (the vector is computed by Postgres).
/// </summary>
public sealed class SearchEntry : IOrganizationOwned
{
    public Guid DocumentId { get; init; }

    public Guid OrganizationId { get; init; }

    public int VersionNumber { get; set; }

    public Guid? PatientId { get; set; }

    public required string Category { get; set; }

    public required string MediaType { get; set; }

    /// <summary>Who stored the document (the <c>author</c> filter).</summary>
    public Guid AuthorId { get; set; }

    /// <summary>When the document was stored (the date range filter).</summary>
    public DateTimeOffset DocumentDate { get; set; }

    public required string Title { get; set; }

    /// <summary>The extracted text, pages separated by form feeds, at most <c>MaxIndexedCharacters</c>.</summary>
    public required string Body { get; set; }

    /// <summary><c>en</c> or <c>fr</c>: the configuration the vector was made with (and snippets are highlighted with).</summary>
    public required string Language { get; set; }

    public NpgsqlTsVector? SearchVector { get; set; }

    public DateTimeOffset IndexedAt { get; set; }
}

/// <summary>The text of one page of a document's latest processed version (a PDF page, an OCR'd image, the one page of a text).</summary>
public sealed class DocumentTextPage : IOrganizationOwned
{
    public Guid DocumentId { get; init; }

    public Guid OrganizationId { get; init; }

    /// <summary>From 1.</summary>
    public int PageNumber { get; init; }

    public required string Text { get; init; }

    /// <summary>Whether the text came from OCR rather than the document's own text.</summary>
    public bool Ocr { get; init; }
}

internal sealed class SearchEntryEntityTypeConfiguration : IEntityTypeConfiguration<SearchEntry>
{
    public void Configure(EntityTypeBuilder<SearchEntry> builder)
    {
        builder.ToTable("search_entries");
        builder.HasKey(e => e.DocumentId);
        builder.Property(e => e.Category).HasMaxLength(50);
        builder.Property(e => e.MediaType).HasMaxLength(255);
        builder.Property(e => e.Title).HasMaxLength(500);
        builder.Property(e => e.Language).HasMaxLength(2);
        builder.Property(e => e.SearchVector).HasColumnType("tsvector");
        // The full-text index (RUM, or GIN where the extension is absent) is created by the migration in SQL: EF knows neither.
        builder.HasIndex(e => new { e.OrganizationId, e.DocumentDate });
        builder.HasIndex(e => new { e.OrganizationId, e.PatientId });
        builder.HasOne<Document>().WithOne().HasForeignKey<SearchEntry>(e => e.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DocumentTextPageEntityTypeConfiguration : IEntityTypeConfiguration<DocumentTextPage>
{
    public void Configure(EntityTypeBuilder<DocumentTextPage> builder)
    {
        builder.ToTable("document_text_pages");
        builder.HasKey(p => new { p.DocumentId, p.PageNumber });
        builder.HasOne<Document>().WithMany().HasForeignKey(p => p.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
