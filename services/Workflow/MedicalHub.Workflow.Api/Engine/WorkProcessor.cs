using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// Claims due work items and carries them out, one transaction per claim: <c>SELECT … FOR UPDATE SKIP LOCKED</c> on the
/// items (replicas never take the same one), then the instances' row locks in id order, then the
/// <see cref="StepRunner"/>; the items are deleted (or held, or moved to their retry time) in the same transaction. A
/// crash anywhere rolls it all back and the items are claimed again; a commit makes them done once. A batch that fails
/// is retried item by item, so one bad item cannot hold the others back; an item that keeps failing is parked (held,
/// with its error) after <see cref="MaxItemFailures"/> tries.
/// </summary>
public sealed class WorkProcessor(IServiceScopeFactory scopes, IOptions<EngineOptions> options, TimeProvider time, ILogger<WorkProcessor> logger)
{
    public const int MaxItemFailures = 10;
    private static readonly string[] CallLane = WorkKinds.CallLane;

    /// <summary>The organizations with due work outside the call lane, the earliest due first.</summary>
    public async Task<List<Guid>> OrganizationsWithDueWorkAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
        var now = time.GetUtcNow();
        var window = options.Value.BatchSize * 4;
        var organizations = options.Value.OrganizationsPerPass;
        return await db.Database.SqlQuery<Guid>($"""
            SELECT organization_id AS "Value" FROM (
                SELECT organization_id, due_at FROM work_items
                WHERE NOT held AND due_at <= {now} AND kind <> ALL({CallLane})
                ORDER BY due_at LIMIT {window}) AS due
            GROUP BY organization_id ORDER BY min(due_at) LIMIT {organizations}
            """).ToListAsync(ct);
    }

    /// <summary>Claims up to <paramref name="limit"/> due items (of one organization, or, for the call lane, one item of any) and carries them out; returns how many were claimed.</summary>
    public async Task<int> ProcessAsync(Guid? organizationId, bool callLane, int limit, CancellationToken ct)
    {
        var claimed = new List<long>();
        try
        {
            return await ProcessClaimAsync(organizationId, callLane, limit, onlyItem: null, claimed, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && claimed.Count > 0)
        {
            if (claimed.Count == 1)
            {
                await RecordFailureAsync(claimed[0], ex, ct);
                return 1;
            }
            logger.LogWarning(ex, "A batch of {Count} work items failed; carrying them out one by one", claimed.Count);
            foreach (var id in claimed)
            {
                try
                {
                    await ProcessClaimAsync(organizationId, callLane, 1, id, [], ct);
                }
                catch (Exception one) when (!ct.IsCancellationRequested)
                {
                    await RecordFailureAsync(id, one, ct);
                }
            }
            return claimed.Count;
        }
    }

    private async Task<int> ProcessClaimAsync(Guid? organizationId, bool callLane, int limit, long? onlyItem, List<long> claimed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
        var organizations = scope.ServiceProvider.GetRequiredService<OrganizationScope>();
        var runner = scope.ServiceProvider.GetRequiredService<StepRunner>();
        if (organizationId is { } org)
        {
            organizations.ActFor(org);
        }
        db.Database.AutoSavepointsEnabled = false;

        var strategy = db.Database.CreateExecutionStrategy();
        var count = await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var now = time.GetUtcNow();
            var items = await db.WorkItems.FromSqlInterpolated(ClaimQuery(organizationId, callLane, limit, onlyItem, now)).ToListAsync(token);
            claimed.Clear();
            claimed.AddRange(items.Select(i => i.Id));
            if (items.Count == 0)
            {
                return 0;
            }
            if (organizationId is null)
            {
                organizations.ActFor(items[0].OrganizationId);
            }

            await InstanceLocks.LockAsync(db, [.. items.Select(i => i.InstanceId)], token);
            var instanceIds = items.Select(i => i.InstanceId).Distinct().ToList();
            var instances = await db.Instances.Where(i => instanceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, token);
            var executionIds = items.Where(i => i.StepExecutionId is not null).Select(i => i.StepExecutionId!.Value).Distinct().ToList();
            var executions = await db.StepExecutions.Where(s => executionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, token);

            foreach (var item in items)
            {
                var (disposition, retryAt) = await runner.ProcessAsync(item, instances.GetValueOrDefault(item.InstanceId),
                    item.StepExecutionId is { } e ? executions.GetValueOrDefault(e) : null, token);
                switch (disposition)
                {
                    case StepRunner.Disposition.Done:
                        db.WorkItems.Remove(item);
                        break;
                    case StepRunner.Disposition.Held:
                        item.Held = true;
                        break;
                    case StepRunner.Disposition.Retry:
                        item.Attempts++;
                        item.DueAt = retryAt ?? now;
                        break;
                }
            }
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return items.Count;
        }, ct);
        runner.AfterCommit();
        return count;
    }

    /// <summary>The claim: due, not held, of the lane (and organization, or item), earliest first, skipping what another transaction holds.</summary>
    private static FormattableString ClaimQuery(Guid? organizationId, bool callLane, int limit, long? onlyItem, DateTimeOffset now) =>
        (organizationId, onlyItem) switch
        {
            (_, { } id) => $"""
                SELECT * FROM work_items WHERE id = {id} AND NOT held AND due_at <= {now} FOR UPDATE SKIP LOCKED
                """,
            ({ } org, null) => $"""
                SELECT * FROM work_items
                WHERE organization_id = {org} AND NOT held AND due_at <= {now} AND (kind = ANY({CallLane})) = {callLane}
                ORDER BY due_at LIMIT {limit}
                FOR UPDATE SKIP LOCKED
                """,
            (null, null) => $"""
                SELECT * FROM work_items
                WHERE NOT held AND due_at <= {now} AND (kind = ANY({CallLane})) = {callLane}
                ORDER BY due_at LIMIT {limit}
                FOR UPDATE SKIP LOCKED
                """,
        };

    private async Task RecordFailureAsync(long id, Exception failure, CancellationToken ct)
    {
        logger.LogError(failure, "Work item {WorkItemId} failed", id);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
        var now = time.GetUtcNow();
        var error = $"{failure.GetType().Name}: {failure.Message}";
        error = error.Length <= 2000 ? error : error[..2000];
        var retryAt = now + options.Value.RetryDelay(1);
        await db.WorkItems.Where(w => w.Id == id).ExecuteUpdateAsync(w => w
            .SetProperty(x => x.Attempts, x => x.Attempts + 1)
            .SetProperty(x => x.LastError, error)
            .SetProperty(x => x.DueAt, x => x.Attempts + 1 >= MaxItemFailures ? x.DueAt : retryAt)
            .SetProperty(x => x.Held, x => x.Attempts + 1 >= MaxItemFailures), ct);
    }
}
