using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Data.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Engine;

/// <summary>
/// The delivery engine (every replica runs one). Each pass claims a batch of due deliveries, and deliveries whose claim
/// expired, with one <c>UPDATE ... FOR UPDATE SKIP LOCKED</c> that marks them Sending under a lease: replicas never claim
/// the same delivery, and a replica that dies leaves its deliveries to be claimed again once the lease ends. The provider
/// calls happen outside any transaction; each outcome is recorded under the claim (see <see cref="DeliveryWorker"/>).
/// </summary>
public sealed class DeliveryEngine(
    IServiceScopeFactory scopeFactory,
    DeliveryEngineSignal signal,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryEngine> logger)
    : PollingWorker(logger, signal)
{
    private readonly DeliveryOptions _options = options.Value;

    protected override int BatchSize => _options.BatchSize;

    protected override TimeSpan PollInterval => _options.PollInterval;

    /// <summary>Claims one batch and delivers it; returns how many deliveries were claimed.</summary>
    public override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var claim = Guid.NewGuid();
        List<Guid> claimedIds;
        await using (var scope = scopeFactory.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunicationDbContext>();
            claimedIds = await ClaimAsync(db, claim, cancellationToken);
        }

        if (claimedIds.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(claimedIds,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                try
                {
                    await scope.ServiceProvider.GetRequiredService<DeliveryWorker>().DeliverAsync(id, claim, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // Left Sending under the claim: it is retried when the lease ends.
                    logger.LogError(ex, "Delivery {DeliveryId} could not be processed; it will be retried after its lease", id);
                }
            });
        return claimedIds.Count;
    }

    private async Task<List<Guid>> ClaimAsync(CommunicationDbContext db, Guid claim, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var leaseUntil = now + _options.LeaseDuration;
        // A delivery taken over from a dead worker keeps its attempt id: the provider sees the same idempotency key.
        var ids = await db.Database.SqlQuery<Guid>($"""
            UPDATE deliveries AS d
            SET status = 'Sending', lease_owner = {claim}, lease_until = {leaseUntil}, updated_at = {now},
                current_attempt_id = CASE WHEN d.status = 'Sending' AND d.current_attempt_id IS NOT NULL THEN d.current_attempt_id ELSE gen_random_uuid() END
            WHERE d.id IN (
                SELECT id FROM deliveries
                WHERE (status IN ('Queued', 'Scheduled') AND next_attempt_at <= {now})
                   OR (status = 'Sending' AND lease_until < {now})
                ORDER BY next_attempt_at
                LIMIT {_options.BatchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING d.id AS "Value"
            """).ToListAsync(ct);

        if (ids.Count > 0)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE notifications SET status = 'Sending', updated_at = {now}
                WHERE id IN (SELECT notification_id FROM deliveries WHERE id = ANY({ids.ToArray()})) AND status IN ('Queued', 'Scheduled')
                """, ct);
        }
        return ids;
    }
}
