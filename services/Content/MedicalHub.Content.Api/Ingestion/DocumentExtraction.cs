using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Patients;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Ingestion;

/// <summary>What processing found in a document's latest processed version: page count, metadata, whether OCR was used, warnings.</summary>
public sealed class DocumentExtraction : IOrganizationOwned
{
    public Guid DocumentId { get; init; }

    public Guid OrganizationId { get; init; }

    public int VersionNumber { get; set; }

    /// <summary>The extractor that read it (<c>pdf</c>, <c>image</c>, <c>text</c>, <c>hl7v2</c>, <c>fhir</c>, <c>dicom</c>, <c>none</c>).</summary>
    public required string Extractor { get; set; }

    public int PageCount { get; set; }

    public int CharacterCount { get; set; }

    /// <summary>Pages whose text came from OCR.</summary>
    public int OcrPageCount { get; set; }

    /// <summary>Metadata the format carries (a PDF's title, author, producer, dates; a DICOM file's modality…), never the text.</summary>
    public List<MetadataEntry> Metadata { get; set; } = [];

    /// <summary>What was read leniently or left out (pages cut, a thumbnail that could not be made).</summary>
    public List<string> Warnings { get; set; } = [];

    public DateTimeOffset ExtractedAt { get; set; }
}

/// <summary>One metadata field of a document (<c>title</c>, <c>author</c>, <c>producer</c>, <c>modality</c>…).</summary>
public sealed record MetadataEntry(string Name, string Value);

/// <summary>A PNG preview of a document's first page or image, in two sizes; served with caching headers.</summary>
public sealed class DocumentThumbnail : IOrganizationOwned
{
    public Guid DocumentId { get; init; }

    public Guid OrganizationId { get; init; }

    /// <summary><c>small</c> or <c>large</c>.</summary>
    public required string Size { get; init; }

    public int VersionNumber { get; set; }

    public required byte[] Png { get; set; }

    /// <summary>Lower-case hex SHA-256 of the PNG: its strong ETag.</summary>
    public required string Sha256 { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class DocumentExtractionEntityTypeConfiguration : IEntityTypeConfiguration<DocumentExtraction>
{
    public void Configure(EntityTypeBuilder<DocumentExtraction> builder)
    {
        builder.ToTable("document_extractions");
        builder.HasKey(e => e.DocumentId);
        builder.Property(e => e.Extractor).HasMaxLength(20);
        builder.Property(e => e.Metadata).AsJson();
        builder.HasOne<Document>().WithOne().HasForeignKey<DocumentExtraction>(e => e.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DocumentThumbnailEntityTypeConfiguration : IEntityTypeConfiguration<DocumentThumbnail>
{
    public void Configure(EntityTypeBuilder<DocumentThumbnail> builder)
    {
        builder.ToTable("document_thumbnails");
        builder.HasKey(t => new { t.DocumentId, t.Size });
        builder.Property(t => t.Size).HasMaxLength(10);
        builder.Property(t => t.Sha256).HasMaxLength(64);
        builder.HasOne<Document>().WithMany().HasForeignKey(t => t.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
