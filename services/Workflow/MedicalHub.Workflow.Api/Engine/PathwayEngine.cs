using MedicalHub.Data.Work;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// The pathway engine of this replica (every replica runs one): each pass carries out the due timers, timeouts, SLA
/// checks and resumptions of up to <see cref="EngineOptions.OrganizationsPerPass"/> organizations, a batch per
/// organization (<see cref="WorkProcessor"/>). Service calls and compensations run beside it (<see cref="CallWorker"/>),
/// so a slow service never delays a timer.
/// </summary>
public sealed class PathwayEngine(WorkProcessor processor, EngineSignal signal, IOptions<EngineOptions> options, ILogger<PathwayEngine> logger)
    : PollingWorker(logger, signal)
{
    protected override int BatchSize => options.Value.BatchSize;

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    public override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var claimed = 0;
        foreach (var organization in await processor.OrganizationsWithDueWorkAsync(cancellationToken))
        {
            claimed += await processor.ProcessAsync(organization, callLane: false, options.Value.BatchSize, cancellationToken);
        }
        return claimed;
    }
}

/// <summary>
/// Carries out service-call steps and compensations, <see cref="EngineOptions.CallParallelism"/> at a time, each alone in
/// its transaction (it waits on another service while holding its instance's lock, never a batch of others).
/// </summary>
public sealed class CallWorker(WorkProcessor processor, CallSignal signal, IOptions<EngineOptions> options, ILogger<CallWorker> logger)
    : PollingWorker(logger, signal)
{
    protected override int BatchSize => options.Value.CallParallelism;

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    public override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, options.Value.CallParallelism)
            .Select(_ => processor.ProcessAsync(null, callLane: true, 1, cancellationToken)));
        return claims.Sum();
    }
}

/// <summary>Samples the gauges of <see cref="EngineTelemetry"/> every 15 s (one replica's view of the shared database).</summary>
public sealed class WorkflowGaugeSampler(IServiceScopeFactory scopes, WorkflowGauges gauges, TimeProvider time, ILogger<WorkflowGaugeSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<Infrastructure.WorkflowDbContext>();
                var now = time.GetUtcNow();
                var row = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.SqlQuery<GaugeRow>(db.Database, $"""
                    SELECT (SELECT count(*) FROM pathway_instances WHERE status IN ('Running', 'Paused', 'Compensating')) AS running,
                           (SELECT count(*) FROM tasks WHERE status IN ('Ready', 'InProgress', 'OnHold')) AS open,
                           (SELECT count(*) FROM tasks WHERE status IN ('Ready', 'InProgress', 'OnHold') AND due_at < {now}) AS overdue,
                           (SELECT count(*) FROM work_items WHERE NOT held AND due_at <= {now}) AS due
                    """), stoppingToken);
                (gauges.RunningInstances, gauges.OpenTasks, gauges.OverdueTasks, gauges.DueWorkItems) = (row.Running, row.Open, row.Overdue, row.Due);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Sampling Workflow's gauges failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private sealed record GaugeRow(long Running, long Open, long Overdue, long Due);
}
