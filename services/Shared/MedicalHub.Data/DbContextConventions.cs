using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MedicalHub.Data;

public static class DbContextConventions
{
    /// <summary>What every MedicalHub model follows on Postgres: snake_case tables, columns, keys and indexes.</summary>
    public static DbContextOptionsBuilder UseMedicalHubConventions(this DbContextOptionsBuilder options) =>
        options.UseSnakeCaseNamingConvention();
}

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build a service's model without starting the service; it never
/// connects. Each service derives one (EF looks for it in the service's own assembly).
/// </summary>
public abstract class DesignTimeDbContextFactory<TContext> : IDesignTimeDbContextFactory<TContext> where TContext : DbContext
{
    public TContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TContext>().UseNpgsql("Host=design-time-only").UseMedicalHubConventions().Options;
        return (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }
}
