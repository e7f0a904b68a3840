using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Infrastructure;

internal static class TestDatabases
{
    /// <summary>A new, empty database on one of the stack's Postgres servers, for tests that need a schema of their own.</summary>
    public static async Task<string> CreateEmptyAsync(StackFixture stack, string postgresServer, string prefix)
    {
        var server = await stack.ConnectionStringAsync(postgresServer);
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server + ";Database=postgres"))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
