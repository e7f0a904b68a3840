using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MedicalHub.Data.Migrations;

public static class MigrationHostExtensions
{
    /// <summary>
    /// Runs the service: with the single argument <c>migrate</c> it applies the migrations and exits (for a
    /// Kubernetes job or an init container); otherwise it migrates first when
    /// <see cref="DatabaseMigrationOptions.MigrateOnStartup"/> is on, then serves.
    /// </summary>
    public static async Task RunWithMigrationsAsync<TContext>(this WebApplication app, string[] args)
        where TContext : DbContext
    {
        var migrator = app.Services.GetRequiredService<DatabaseMigrator<TContext>>();
        if (args is ["migrate"])
        {
            await migrator.MigrateAsync(app.Lifetime.ApplicationStopping);
            return;
        }

        if (app.Services.GetRequiredService<IOptions<DatabaseMigrationOptions>>().Value.MigrateOnStartup)
        {
            await migrator.MigrateAsync(app.Lifetime.ApplicationStopping);
        }

        // Connect to Redis before listening, so the first readiness probe does not fail (and log errors) merely
        // because the connection was still being made. Readiness still reports a Redis that stays away.
        if (app.Services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            for (var waited = 0; !redis.IsConnected && waited < 10_000; waited += 50)
            {
                await Task.Delay(50, app.Lifetime.ApplicationStopping);
            }
        }

        await app.RunAsync();
    }
}
