using Npgsql;

namespace MedicalHub.Data;

/// <summary>
/// Npgsql settings every service's database connection gets unless its connection string sets them itself.
/// Measured on Identity's refresh grant (docs/benchmarks.md): with the defaults, a pooled connection is reset with
/// <c>DISCARD ALL</c> before each use (one extra statement per command, since EF Core opens and closes the
/// connection around each one) and no statement is prepared, so Postgres parses and plans every query again.
/// </summary>
public static class ConnectionTuning
{
    /// <summary>How many distinct statements each pooled connection keeps prepared (Npgsql's automatic preparation).</summary>
    public const int MaxAutoPrepare = 64;

    public static string? Apply(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return connectionString;
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // No session state survives a use of a connection here: no SET, no temporary tables; the only session-level
        // advisory locks (migrations, key creation) are released in finally blocks. So the reset is not needed, and
        // skipping it keeps the connection's prepared statements.
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase) &&
            !connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) &&
            !connectionString.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }
        return builder.ConnectionString;
    }
}
