using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace MedicalHub.EndToEnd.Tests;

/// <summary>
/// The stores across a restart: the AppHost (limited to one service) is started, stopped and started
/// again on the same data folder, the second time with new passwords, as when user secrets were reset.
/// </summary>
public sealed class LocalInfrastructureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Data_survives_a_restart_even_when_the_password_was_regenerated_and_no_process_is_left_behind()
    {
        var dataDirectory = TestDataDirectory.Create();
        try
        {
            string postgresEndpoint, redisEndpoint;
            await using (var first = await StartAsync(dataDirectory, password: "first-password-0001"))
            {
                await using var db = new NpgsqlConnection(await first.GetConnectionStringAsync("identitydb", Ct));
                await db.OpenAsync(Ct);
                await using (var write = new NpgsqlCommand("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')", db))
                {
                    await write.ExecuteNonQueryAsync(Ct);
                }
                var redisConnection = (await first.GetConnectionStringAsync("identity-redis", Ct))!;
                await using (var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection))
                {
                    await redis.GetDatabase().StringSetAsync("kept", "still here");
                    // Snapshot now rather than rely on the save at shutdown: the test is about the data folder.
                    await redis.GetServers().Single().ExecuteAsync("SAVE");
                }
                postgresEndpoint = Endpoint(new NpgsqlConnectionStringBuilder(db.ConnectionString));
                redisEndpoint = ConfigurationOptions.Parse(redisConnection).EndPoints.Single().ToString()!;
            }

            await ProcessCheck.AssertNothingListensAsync([postgresEndpoint, redisEndpoint]);

            await using var second = await StartAsync(dataDirectory, password: "second-password-0002");
            await using var db2 = new NpgsqlConnection(await second.GetConnectionStringAsync("identitydb", Ct));
            await db2.OpenAsync(Ct);
            await using var read = new NpgsqlCommand("SELECT note FROM kept", db2);
            Assert.Equal("still here", await read.ExecuteScalarAsync(Ct));
            await using var redis2 = await ConnectionMultiplexer.ConnectAsync((await second.GetConnectionStringAsync("identity-redis", Ct))!);
            Assert.Equal("still here", (string?)await redis2.GetDatabase().StringGetAsync("kept"));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>The real AppHost limited to the identity service and its stores, on the given data folder and passwords.</summary>
    private static async Task<DistributedApplication> StartAsync(string dataDirectory, string password)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MedicalHub_AppHost>(
            [
                $"MedicalHub:DataDirectory={dataDirectory}", "MedicalHub:FixedPorts=false", "MedicalHub:Services=identity",
                $"Parameters:identity-postgres-password={password}", $"Parameters:identity-redis-password={password}",
            ],
            (options, _) => options.DisableDashboard = true,
            Ct);

        var app = await builder.BuildAsync(Ct);
        await app.StartAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("identity", timeout.Token);
        return app;
    }

    private static string Endpoint(NpgsqlConnectionStringBuilder connection) => $"{connection.Host}:{connection.Port}";
}
