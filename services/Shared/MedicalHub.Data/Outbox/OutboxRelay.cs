using System.Diagnostics;
using MedicalHub.Data.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalHub.Data.Outbox;

/// <summary>
/// Delivers <typeparamref name="TContext"/>'s outbox. Each pass claims a batch of due messages with
/// <c>FOR UPDATE SKIP LOCKED</c> inside a transaction, delivers them while holding the row locks, and
/// records the outcome in the same transaction: replicas never deliver the same message concurrently, and
/// a relay that dies mid-delivery leaves its messages to be delivered again (at least once, never lost).
/// Code that has just committed a message may wake this replica's relay (<see cref="OutboxSignal{TContext}"/>).
/// </summary>
public sealed class OutboxRelay<TContext>(
    IServiceScopeFactory scopeFactory,
    IEnumerable<IOutboxHandler> handlers,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay<TContext>> logger,
    OutboxSignal<TContext>? signal = null)
    : PollingWorker(logger, signal)
    where TContext : DbContext
{
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.ToDictionary(h => h.Type, StringComparer.Ordinal);
    private readonly OutboxOptions _options = options.Value;

    protected override int BatchSize => _options.BatchSize;

    protected override TimeSpan PollInterval => _options.PollInterval;

    protected override TimeProvider Time => time;

    public override Task<int> RunPassAsync(CancellationToken cancellationToken) => RelayBatchAsync(cancellationToken);

    /// <summary>Claims and delivers one batch; returns how many messages were claimed.</summary>
    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var strategy = db.Database.CreateExecutionStrategy();

        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = time.GetUtcNow();
            var batch = await db.Set<OutboxMessage>()
                .FromSqlInterpolated($"""
                    SELECT * FROM outbox_messages
                    WHERE dispatched_at IS NULL AND dead_lettered_at IS NULL AND next_attempt_at <= {now}
                    ORDER BY next_attempt_at, id
                    LIMIT {_options.BatchSize}
                    FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(ct);

            foreach (var message in batch)
            {
                await DeliverAsync(message, ct);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return batch.Count;
        }, cancellationToken);
    }

    private async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(message.TraceParent, null, out var parent);
        using var activity = OutboxTelemetry.ActivitySource.StartActivity($"outbox deliver {message.Type}", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", message.MessageId);
        message.Attempts++;

        try
        {
            if (!_handlers.TryGetValue(message.Type, out var handler))
            {
                throw new PermanentOutboxFailureException($"No handler delivers outbox messages of type '{message.Type}'.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.HandlerTimeout);
            await handler.HandleAsync(message, timeout.Token);

            message.DispatchedAt = time.GetUtcNow();
            message.LastError = null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            message.LastError = Truncate($"{ex.GetType().Name}: {ex.Message}", 2000);
            if (ex is PermanentOutboxFailureException || message.Attempts >= _options.MaxAttempts)
            {
                message.DeadLetteredAt = time.GetUtcNow();
                logger.LogError(ex, "Outbox message {MessageId} ({Type}) dead-lettered after {Attempts} attempt(s)", message.MessageId, message.Type, message.Attempts);
            }
            else
            {
                message.NextAttemptAt = time.GetUtcNow() + _options.RetryDelay(message.Attempts, Random.Shared.NextDouble());
                logger.LogWarning(ex, "Outbox message {MessageId} ({Type}) failed attempt {Attempts}; next at {NextAttemptAt}", message.MessageId, message.Type, message.Attempts, message.NextAttemptAt);
            }
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
