using MedicalHub.Content.Api.Model;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Infrastructure;

/// <summary>The Content service's own database: medical documents, their versions, search, sharing and access audit. No other service reads it.</summary>
public sealed class ContentDbContext(DbContextOptions<ContentDbContext> options) : DbContext(options)
{
    public DbSet<Document> Documents => Set<Document>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContentDbContext).Assembly);
}
