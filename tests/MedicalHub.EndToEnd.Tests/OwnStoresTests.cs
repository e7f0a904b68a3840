using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace MedicalHub.EndToEnd.Tests;

/// <summary>Database-per-service is strict: each service wrote its schema to its own database and its probe to its own Redis, and nowhere else.</summary>
public sealed class OwnStoresTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServiceUnderTest.Names), MemberType = typeof(ServiceUnderTest))]
    public async Task The_service_migrated_its_own_database_and_no_other(string service)
    {
        var me = ServiceUnderTest.Named(service);

        foreach (var other in ServiceUnderTest.All)
        {
            await using var connection = new NpgsqlConnection(await stack.ConnectionStringAsync(other.Database));
            await connection.OpenAsync(Ct);
            var hasMyTable = await ScalarAsync<bool>(connection, $"SELECT to_regclass('public.{me.OwnTable}') IS NOT NULL");
            Assert.Equal(other == me, hasMyTable);
        }

        await using var own = new NpgsqlConnection(await stack.ConnectionStringAsync(me.Database));
        await own.OpenAsync(Ct);
        var applied = await ScalarAsync<long>(own, """SELECT count(*) FROM "__EFMigrationsHistory" """);
        Assert.True(applied >= 1, "the service recorded its migrations in its own database");
    }

    [Theory]
    [MemberData(nameof(ServiceUnderTest.Names), MemberType = typeof(ServiceUnderTest))]
    public async Task The_service_wrote_to_and_read_from_its_own_Redis_and_no_other(string service)
    {
        var me = ServiceUnderTest.Named(service);
        // Readiness has run (the stack waited for it), and readiness writes the probe key and reads it back.
        var pattern = $"medicalhub:probe:{me.ApplicationName}:*";

        foreach (var other in ServiceUnderTest.All)
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(await stack.ConnectionStringAsync(other.Redis));
            var server = redis.GetServers().Single();
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                keys.Add(key);
            }
            // One probe key per instance of the service (Communication runs two).
            Assert.Equal(other == me, keys.Count > 0);
        }
    }

    [Fact]
    public async Task Every_service_has_its_own_Postgres_server_and_Redis()
    {
        var servers = new HashSet<string>();
        var redises = new HashSet<string>();
        foreach (var service in ServiceUnderTest.All)
        {
            var pg = new NpgsqlConnectionStringBuilder(await stack.ConnectionStringAsync(service.PostgresServer));
            Assert.True(servers.Add($"{pg.Host}:{pg.Port}"), $"{service.Name} shares a Postgres server");
            var redis = ConfigurationOptions.Parse(await stack.ConnectionStringAsync(service.Redis));
            Assert.True(redises.Add(redis.EndPoints.Single().ToString()!), $"{service.Name} shares a Redis");
            Assert.False(string.IsNullOrEmpty(redis.Password), "Redis requires a password");
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
