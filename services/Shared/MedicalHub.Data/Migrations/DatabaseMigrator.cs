using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedicalHub.Data.Migrations;

/// <summary>
/// Applies <typeparamref name="TContext"/>'s migrations while holding a PostgreSQL session advisory lock,
/// so that when several replicas start together exactly one migrates and the others wait, then find
/// nothing left to do. The lock is released with the session, even if the process dies mid-migration.
/// </summary>
public sealed class DatabaseMigrator<TContext>(
    IServiceScopeFactory scopeFactory,
    SchemaState<TContext> schemaState,
    ILogger<DatabaseMigrator<TContext>> logger)
    where TContext : DbContext
{
    private static readonly ActivitySource ActivitySource = new("MedicalHub.Data.Migrations");

    private readonly long _lockKey = MigrationLock.KeyFor(typeof(TContext));

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity($"migrate {typeof(TContext).Name}");
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();

        var strategy = db.Database.CreateExecutionStrategy();
        var applied = await strategy.ExecuteAsync(async ct =>
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({_lockKey})", ct);
                try
                {
                    var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                    if (pending.Count > 0)
                    {
                        logger.LogInformation("Applying {Count} migration(s) to {Context}: {Migrations}", pending.Count, typeof(TContext).Name, pending);
                        await db.Database.MigrateAsync(ct);
                    }
                    return pending;
                }
                finally
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({_lockKey})", CancellationToken.None);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);

        if (applied.Count == 0)
        {
            logger.LogInformation("The {Context} schema is current", typeof(TContext).Name);
        }
        schemaState.MarkCurrent();
    }
}
