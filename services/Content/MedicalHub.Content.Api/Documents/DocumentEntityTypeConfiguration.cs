using MedicalHub.Content.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Documents;

internal sealed class DocumentEntityTypeConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> builder)
    {
        builder.Property(d => d.Title).HasMaxLength(500);
        builder.Property(d => d.Category).HasMaxLength(50);
        builder.Property(d => d.MediaType).HasMaxLength(255);
        builder.Property(d => d.FileName).HasMaxLength(255);
        builder.Property(d => d.Sha256).HasMaxLength(64);
        builder.Property(d => d.Revision).IsConcurrencyToken();
        builder.Ignore(d => d.ETag);
        builder.HasIndex(d => new { d.OrganizationId, d.CreatedAt });
        builder.HasIndex(d => new { d.OrganizationId, d.PatientId, d.CreatedAt });
        builder.HasIndex(d => d.DeletedAt).HasFilter("deleted_at IS NOT NULL");
        builder.HasQueryFilter(Document.NotDeletedFilter, d => d.DeletedAt == null);
        builder.HasMany(d => d.Versions).WithOne().HasForeignKey(v => v.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DocumentVersionEntityTypeConfiguration : IEntityTypeConfiguration<DocumentVersion>
{
    public void Configure(EntityTypeBuilder<DocumentVersion> builder)
    {
        builder.Property(v => v.FileName).HasMaxLength(255);
        builder.Property(v => v.MediaType).HasMaxLength(255);
        builder.Property(v => v.Sha256).HasMaxLength(64);
        builder.Ignore(v => v.ContentETag);
        builder.HasIndex(v => new { v.DocumentId, v.Number }).IsUnique();
        // Bytes outlive no version that uses them, and are not removed under one (the sweeper's delete is refused).
        builder.HasOne<StoredObject>().WithMany().HasForeignKey(v => v.StoredObjectKey).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(v => v.StoredObjectKey);
    }
}
