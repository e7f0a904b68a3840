using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Data.Tenancy;

public static class OrganizationScopeQueryExtensions
{
    /// <summary>
    /// Reads every organization's rows, lifting only the organization filter (other named filters stay). For the few
    /// places that are cross-organization by nature (a delivery engine, provider webhooks, jobs): each use is a
    /// deliberate, searchable decision, and what it writes afterwards still goes through
    /// <see cref="OrganizationScope.ActFor"/>.
    /// </summary>
    public static IQueryable<TEntity> AcrossOrganizations<TEntity>(this IQueryable<TEntity> query) where TEntity : class, IOrganizationOwned =>
        query.IgnoreQueryFilters([OrganizationScopedDbContext.OrganizationFilter]);
}
