using MedicalHub.Content.Api.Extensions;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion;

/// <summary>Wakes this replica's <see cref="IngestionWorker"/> when a version was just stored or a re-run asked for.</summary>
public sealed class IngestionSignal : WakeSignal;

/// <summary>
/// The ingestion pipeline's worker (every replica runs one; <see cref="IngestionSettings.WorkerEnabled"/>). Each pass
/// claims a batch of due jobs, and jobs whose lease expired (their worker died), with one
/// <c>UPDATE … FOR UPDATE SKIP LOCKED</c> that marks them processing under this pass's claim and counts the attempt:
/// replicas never claim the same job, and a job that keeps killing its worker runs out of attempts. The jobs are then
/// processed in parallel by <see cref="IngestionProcessor"/>, each in a scope of its own.
/// </summary>
public sealed class IngestionWorker(
    IServiceScopeFactory scopeFactory,
    IngestionSignal signal,
    IOptions<IngestionSettings> options,
    TimeProvider time,
    ILogger<IngestionWorker> logger)
    : PollingWorker(logger, signal)
{
    private readonly IngestionSettings _settings = options.Value;
    private DateTimeOffset _countsRefreshedAt = DateTimeOffset.MinValue;

    protected override int BatchSize => _settings.BatchSize;

    protected override TimeSpan PollInterval => _settings.PollInterval;

    protected override TimeProvider Time => time;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _settings.WorkerEnabled ? base.ExecuteAsync(stoppingToken) : Task.CompletedTask;

    public override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var claim = Guid.NewGuid();
        List<Guid> claimed;
        await using (var scope = scopeFactory.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            claimed = await ClaimAsync(db, claim, cancellationToken);
            await RefreshCountsAsync(db, cancellationToken);
        }
        if (claimed.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(claimed,
            new ParallelOptions { MaxDegreeOfParallelism = _settings.MaxParallelism, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                try
                {
                    await scope.ServiceProvider.GetRequiredService<IngestionProcessor>().ProcessAsync(id, claim, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // Left processing under the claim: claimed again once the lease ends (the attempt is counted).
                    logger.LogError(ex, "Ingestion job {JobId} could not be processed; it is retried after its lease", id);
                }
            });
        return claimed.Count;
    }

    private async Task<List<Guid>> ClaimAsync(ContentDbContext db, Guid claim, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var leaseUntil = now + _settings.LeaseDuration;
        // A processing job's next_attempt_at is its lease's end, so one index serves both kinds of due job.
        return await db.Database.SqlQuery<Guid>($"""
            UPDATE ingestion_jobs AS j
            SET state = 'processing', lease_owner = {claim}, lease_until = {leaseUntil}, next_attempt_at = {leaseUntil},
                attempts = j.attempts + 1, updated_at = {now}
            WHERE j.id IN (
                SELECT id FROM ingestion_jobs
                WHERE state IN ('pending', 'processing') AND next_attempt_at <= {now}
                ORDER BY next_attempt_at
                LIMIT {_settings.BatchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING j.id AS "Value"
            """).ToListAsync(ct);
    }

    /// <summary>The documents by state, for the <c>medicalhub.content.ingestion.documents</c> gauge (at most every 15 s).</summary>
    private async Task RefreshCountsAsync(ContentDbContext db, CancellationToken ct)
    {
        if (time.GetUtcNow() - _countsRefreshedAt < TimeSpan.FromSeconds(15))
        {
            return;
        }
        _countsRefreshedAt = time.GetUtcNow();
        var counts = await db.Database.SqlQuery<StateCount>($"""
            SELECT j.state AS "State", count(*)::int AS "Count"
            FROM ingestion_jobs j
            JOIN documents d ON d.id = j.document_id AND d.current_version = j.version_number AND d.deleted_at IS NULL
            GROUP BY j.state
            """).ToListAsync(ct);
        IngestionDocumentCounts.Set(counts.ToDictionary(c => c.State, c => c.Count, StringComparer.Ordinal));
    }

    private sealed record StateCount(string State, int Count);
}

/// <summary>The last counts of documents by ingestion state (this process's worker refreshes them), observed by <see cref="ContentMetrics.IngestionDocuments"/>.</summary>
public static class IngestionDocumentCounts
{
    private static volatile IReadOnlyDictionary<string, int> _counts = new Dictionary<string, int>();

    public static void Set(IReadOnlyDictionary<string, int> counts) => _counts = counts;

    public static IEnumerable<System.Diagnostics.Metrics.Measurement<int>> Observe() => IngestionStates.OfDocuments.Select(state =>
        new System.Diagnostics.Metrics.Measurement<int>(_counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state)));
}
