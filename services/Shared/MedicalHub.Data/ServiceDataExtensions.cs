using MedicalHub.Data.Health;
using MedicalHub.Data.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedicalHub.Data;

public static class ServiceDataExtensions
{
    /// <summary>
    /// Wires a service to its own stores: <typeparamref name="TContext"/> on the PostgreSQL database named
    /// <paramref name="databaseName"/> and the Redis named <paramref name="redisName"/> (both by Aspire
    /// connection string name), the schema-guarded migrator, and readiness checks that require the schema
    /// to be current and Redis to accept a write. The connection gets <see cref="ConnectionTuning"/>'s settings.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDataStores<TContext>(
        this IHostApplicationBuilder builder, string databaseName, string redisName)
        where TContext : DbContext
    {
        builder.AddNpgsqlDbContext<TContext>(databaseName,
            configureSettings: settings => settings.ConnectionString = ConnectionTuning.Apply(settings.ConnectionString),
            configureDbContextOptions: options => options.UseMedicalHubConventions());
        builder.AddRedisClient(redisName);

        builder.Services.Configure<DatabaseMigrationOptions>(builder.Configuration.GetSection(DatabaseMigrationOptions.SectionName));
        builder.Services.AddSingleton<SchemaState<TContext>>();
        builder.Services.AddSingleton<DatabaseMigrator<TContext>>();

        builder.Services.AddHealthChecks()
            .AddCheck<SchemaHealthCheck<TContext>>($"{databaseName}-schema")
            .AddCheck<RedisRoundTripHealthCheck>($"{redisName}-round-trip");

        return builder;
    }
}
