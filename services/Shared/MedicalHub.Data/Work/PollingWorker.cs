using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalHub.Data.Work;

/// <summary>
/// The loop of a worker that every replica runs over rows it claims in Postgres (<c>FOR UPDATE SKIP LOCKED</c>): run a
/// pass; when the pass found a full batch, run the next at once, otherwise wait for the poll interval or a
/// <see cref="WakeSignal"/>. A failed pass (the database restarting, say) is logged and retried after the pause: claims
/// are transactional or leased, so nothing is lost. The outbox relay, Communication's delivery engine and Workflow's
/// pathway engine are such workers.
/// </summary>
public abstract class PollingWorker(ILogger logger, WakeSignal? signal = null) : BackgroundService
{
    /// <summary>How many items a pass claims at most: a pass that claimed fewer means the backlog is drained.</summary>
    protected abstract int BatchSize { get; }

    /// <summary>How long an idle worker waits before looking again (unless woken).</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Claims and processes one batch; returns how many items were claimed.</summary>
    public abstract Task<int> RunPassAsync(CancellationToken cancellationToken);

    /// <summary>The clock the idle wait uses when there is no signal (a fake clock in tests).</summary>
    protected virtual TimeProvider Time => TimeProvider.System;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await RunPassAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "A {Worker} pass failed; retrying", GetType().Name);
                claimed = 0;
            }

            if (claimed < BatchSize)
            {
                try
                {
                    if (signal is null)
                    {
                        await Task.Delay(PollInterval, Time, stoppingToken);
                    }
                    else
                    {
                        await signal.WaitAsync(PollInterval, stoppingToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
