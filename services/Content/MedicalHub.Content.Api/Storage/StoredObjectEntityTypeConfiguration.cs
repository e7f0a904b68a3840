using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Storage;

internal sealed class StoredObjectEntityTypeConfiguration : IEntityTypeConfiguration<StoredObject>
{
    public void Configure(EntityTypeBuilder<StoredObject> builder)
    {
        builder.HasKey(o => o.Key);
        builder.Property(o => o.Backend).HasMaxLength(32);
        builder.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Sha256).HasMaxLength(64);
        builder.Property(o => o.MediaType).HasMaxLength(255);
        // Deduplication: one committed object per organization and content.
        builder.HasIndex(o => new { o.OrganizationId, o.Sha256 }).IsUnique().HasFilter("state = 'Committed'");
        // The sweeper's: abandoned uploads and Binaries never filed.
        builder.HasIndex(o => new { o.State, o.LastActivityAt }).HasFilter("state <> 'Committed'");
    }
}

internal sealed class StoredObjectChunkEntityTypeConfiguration : IEntityTypeConfiguration<StoredObjectChunk>
{
    public void Configure(EntityTypeBuilder<StoredObjectChunk> builder)
    {
        builder.ToTable("stored_object_chunks");
        builder.HasKey(c => new { c.ObjectKey, c.Sequence });
        builder.HasOne<StoredObject>().WithMany().HasForeignKey(c => c.ObjectKey).OnDelete(DeleteBehavior.Cascade);
    }
}
