using MedicalHub.Content.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalHub.Content.Api.Search;

/// <summary>
/// Which full-text index the database has: <c>rum</c> (ranks inside the index; Debian's <c>postgresql-15-rum</c>, the
/// <c>deploy/images/postgres-rum</c> image) or <c>gin</c>, the fallback the migration creates where the extension is
/// absent (ranked with <c>ts_rank_cd</c> after the match: correct, slower on frequent terms). Read from the catalog,
/// kept a minute. Search picks its query by it; readiness reports the fallback as Degraded.
/// </summary>
public sealed class SearchIndexStatus(IServiceScopeFactory scopes, TimeProvider time)
{
    public const string IndexName = "ix_search_entries_vector";
    public const string Rum = "rum";
    public const string Gin = "gin";

    private (string Kind, DateTimeOffset Until)? _cached;

    public async Task<string> KindAsync(CancellationToken ct)
    {
        if (_cached is { } cached && cached.Until > time.GetUtcNow())
        {
            return cached.Kind;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var kind = await db.Database.SqlQuery<string>($"""
            SELECT am.amname AS "Value" FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = {IndexName}
            """).SingleOrDefaultAsync(ct) ?? "none";
        _cached = (kind, time.GetUtcNow() + TimeSpan.FromMinutes(1));
        return kind;
    }
}

/// <summary>Readiness: Healthy with the RUM index, Degraded on the GIN fallback (search works, ranking frequent terms is slower).</summary>
public sealed class SearchIndexHealthCheck(SearchIndexStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var kind = await status.KindAsync(cancellationToken);
        return kind switch
        {
            SearchIndexStatus.Rum => HealthCheckResult.Healthy("Full-text search ranks in the RUM index."),
            SearchIndexStatus.Gin => HealthCheckResult.Degraded("Full-text search uses the GIN fallback: the rum extension is not installed in this PostgreSQL."),
            _ => HealthCheckResult.Degraded("The full-text index is missing."),
        };
    }
}
