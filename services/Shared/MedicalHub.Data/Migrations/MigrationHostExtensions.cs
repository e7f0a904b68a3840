using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

        await app.RunAsync();
    }
}
