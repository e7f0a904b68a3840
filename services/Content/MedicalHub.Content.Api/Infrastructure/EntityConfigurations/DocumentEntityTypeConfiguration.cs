using MedicalHub.Content.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Infrastructure.EntityConfigurations;

internal sealed class DocumentEntityTypeConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> builder)
    {
        builder.Property(d => d.Title).HasMaxLength(500);
        builder.Property(d => d.MediaType).HasMaxLength(255);
        builder.HasIndex(d => new { d.OrganizationId, d.CreatedAt });
    }
}
