using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data;
using MedicalHub.Data.Migrations;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests;

/// <summary>
/// The migration step is safe with several replicas: it waits for the advisory lock, and replicas that
/// start together apply each migration exactly once. Run against a fresh database on the stack's Postgres.
/// </summary>
public sealed class MigrationTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_replica_waits_while_another_holds_the_migration_lock()
    {
        var database = await CreateEmptyDatabaseAsync();
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync(Ct);
        await ExecuteAsync(holder, $"SELECT pg_advisory_lock({MigrationLock.KeyFor(typeof(ContentDbContext))})");

        await using var replica = Replica(database);
        var migration = replica.GetRequiredService<DatabaseMigrator<ContentDbContext>>().MigrateAsync(Ct);

        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.False(migration.IsCompleted, "the migrator went ahead while the lock was held");
        Assert.False(await TableExistsAsync(holder, "documents"));

        await ExecuteAsync(holder, $"SELECT pg_advisory_unlock({MigrationLock.KeyFor(typeof(ContentDbContext))})");
        await migration.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(await TableExistsAsync(holder, "documents"));
        Assert.True(replica.GetRequiredService<SchemaState<ContentDbContext>>().IsCurrent);
    }

    [Fact]
    public async Task Replicas_starting_together_apply_each_migration_once()
    {
        var database = await CreateEmptyDatabaseAsync();
        var replicas = Enumerable.Range(0, 4).Select(_ => Replica(database)).ToList();

        await Task.WhenAll(replicas.Select(r => r.GetRequiredService<DatabaseMigrator<ContentDbContext>>().MigrateAsync(Ct)));

        await using var check = new NpgsqlConnection(database);
        await check.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""SELECT migration_id FROM "__EFMigrationsHistory" """, check);
        var applied = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                applied.Add(reader.GetString(0));
            }
        }

        await using var anyReplica = replicas[0].CreateAsyncScope();
        var expected = anyReplica.ServiceProvider.GetRequiredService<ContentDbContext>().Database.GetMigrations().ToList();
        Assert.Equal(expected, applied.Order());
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }

    /// <summary>A process of the Content service as far as migrations go: its DbContext and the shared migrator.</summary>
    private static ServiceProvider Replica(string connectionString) =>
        new ServiceCollection()
            .AddLogging()
            .AddDbContext<ContentDbContext>(options => options.UseNpgsql(connectionString).UseMedicalHubConventions())
            .AddSingleton<SchemaState<ContentDbContext>>()
            .AddSingleton<DatabaseMigrator<ContentDbContext>>()
            .BuildServiceProvider();

    private async Task<string> CreateEmptyDatabaseAsync() =>
        new NpgsqlConnectionStringBuilder(await TestDatabases.CreateEmptyAsync(stack, "content-postgres", "migration_test")) { Pooling = false }.ConnectionString;

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand($"SELECT to_regclass('public.{table}') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
