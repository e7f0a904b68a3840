using MedicalHub.Content.Api.Documents;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Ingestion;

/// <summary>
/// The processing of one stored version of a document (detect, extract, index, derive), durable in Postgres: written in
/// the transaction that stores the version, claimed by one worker of one replica at a time under a lease
/// (<c>FOR UPDATE SKIP LOCKED</c>), retried with backoff, and left <see cref="IngestionStates.Failed"/> with its reason
/// when it cannot succeed. Re-running puts it back to <see cref="IngestionStates.Pending"/>.
/// </summary>
public sealed class IngestionJob : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid DocumentId { get; init; }

    public int VersionNumber { get; init; }

    /// <summary>One of <see cref="IngestionStates"/>.</summary>
    public string State { get; set; } = IngestionStates.Pending;

    /// <summary>Attempts started (counted when claimed, so a job that kills its worker is counted too).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The claim of the worker processing it (while <see cref="IngestionStates.Processing"/>).</summary>
    public Guid? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Why the last attempt failed (no document content, only what went wrong and where).</summary>
    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The job of a version just stored (the version's organization is stamped on both when they are saved).</summary>
    public static IngestionJob For(Guid documentId, int versionNumber) => new() { DocumentId = documentId, VersionNumber = versionNumber };
}

/// <summary>A job's (and so a document's) processing state, as the API and the metric name it.</summary>
public static class IngestionStates
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Indexed = "indexed";
    public const string Failed = "failed";

    /// <summary>A newer version was stored before this one was processed: nothing to do (the newer one has its own job).</summary>
    public const string Superseded = "superseded";

    public static readonly IReadOnlyList<string> OfDocuments = [Pending, Processing, Indexed, Failed];
}

internal sealed class IngestionJobEntityTypeConfiguration : IEntityTypeConfiguration<IngestionJob>
{
    public void Configure(EntityTypeBuilder<IngestionJob> builder)
    {
        builder.ToTable("ingestion_jobs");
        builder.Property(j => j.State).HasMaxLength(20);
        builder.Property(j => j.LastError).HasMaxLength(2000);
        builder.HasIndex(j => new { j.DocumentId, j.VersionNumber }).IsUnique();
        // What the workers scan: the jobs to claim (due or with an expired lease), in due order.
        builder.HasIndex(j => j.NextAttemptAt).HasFilter("state IN ('pending', 'processing')").HasDatabaseName("ix_ingestion_jobs_due");
        builder.HasIndex(j => new { j.OrganizationId, j.State });
        builder.HasOne<Document>().WithMany().HasForeignKey(j => j.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
