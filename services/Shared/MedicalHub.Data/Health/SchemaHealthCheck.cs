using MedicalHub.Data.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalHub.Data.Health;

/// <summary>
/// Ready only when the service's own database answers and its schema has no pending migration: a replica
/// must not take traffic against a schema older than its code.
/// </summary>
internal sealed class SchemaHealthCheck<TContext>(IServiceScopeFactory scopeFactory, SchemaState<TContext> schemaState) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        try
        {
            if (schemaState.IsCurrent)
            {
                return await db.Database.CanConnectAsync(cancellationToken)
                    ? HealthCheckResult.Healthy()
                    : new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            if (pending > 0)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"{pending} migration(s) pending.");
            }
            schemaState.MarkCurrent();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.", ex);
        }
    }
}
