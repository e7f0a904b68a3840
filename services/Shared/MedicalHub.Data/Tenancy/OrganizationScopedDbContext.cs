using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace MedicalHub.Data.Tenancy;

/// <summary>
/// A service's DbContext whose <see cref="IOrganizationOwned"/> entities are scoped to the current
/// <see cref="OrganizationScope"/> by default:
/// <list type="bullet">
/// <item>every query gets the named filter <see cref="OrganizationFilter"/>
/// (<c>organization_id = the scope's organization</c>; no organization in scope: no rows at all), evaluated per query,
/// so a pooled context serves each request with that request's scope; other named filters can be added beside it;</item>
/// <item>saving stamps <c>OrganizationId</c> on added rows that have none, and refuses (throws
/// <see cref="OrganizationScopeViolationException"/>) any added, changed or deleted row of another organization, or any
/// such row when the scope has no organization.</item>
/// </list>
/// Code that must read across organizations says so with <see cref="OrganizationScopeQueryExtensions.AcrossOrganizations{T}"/>.
/// The scope is attached when the context is resolved from DI (<see cref="OrganizationScopeExtensions.AddOrganizationScope{TContext}"/>).
/// </summary>
public abstract class OrganizationScopedDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The name of the organization query filter (for <c>IgnoreQueryFilters([...])</c>).</summary>
    public const string OrganizationFilter = "organization";

    private OrganizationScope? _organizations;

    /// <summary>Read by the query filter on every query: the organization the attached scope is for, if any.</summary>
    protected Guid? ScopedOrganizationId => _organizations?.OrganizationId;

    internal void AttachScope(OrganizationScope scope) => _organizations = scope;

    /// <summary>The service's own model (entity configurations); the organization filters are added after it.</summary>
    protected abstract void ConfigureModel(ModelBuilder modelBuilder);

    protected sealed override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ConfigureModel(modelBuilder);
        var filter = typeof(OrganizationScopedDbContext).GetMethod(nameof(FilterByOrganization),
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!;
        foreach (var entityType in modelBuilder.Model.GetEntityTypes()
                     .Where(t => t.BaseType is null && !t.IsOwned() && typeof(IOrganizationOwned).IsAssignableFrom(t.ClrType)))
        {
            filter.MakeGenericMethod(entityType.ClrType).Invoke(this, [modelBuilder]);
        }
    }

    private void FilterByOrganization<TEntity>(ModelBuilder modelBuilder) where TEntity : class, IOrganizationOwned =>
        modelBuilder.Entity<TEntity>().HasQueryFilter(OrganizationFilter,
            e => EF.Property<Guid>(e, nameof(IOrganizationOwned.OrganizationId)) == ScopedOrganizationId);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardOrganizations();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardOrganizations();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void GuardOrganizations()
    {
        foreach (var entry in ChangeTracker.Entries<IOrganizationOwned>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            var scoped = ScopedOrganizationId ?? throw new OrganizationScopeViolationException(
                $"A {entry.Metadata.ClrType.Name} of an organization was saved outside any organization's scope; " +
                "call OrganizationScope.ActFor(organizationId) first.");
            PropertyEntry<IOrganizationOwned, Guid> organization = entry.Property<Guid>(nameof(IOrganizationOwned.OrganizationId));
            if (entry.State == EntityState.Added && organization.CurrentValue == Guid.Empty)
            {
                organization.CurrentValue = scoped;
            }
            else if (organization.CurrentValue != scoped || (entry.State != EntityState.Added && organization.OriginalValue != scoped))
            {
                throw new OrganizationScopeViolationException(
                    $"A {entry.Metadata.ClrType.Name} of organization {organization.CurrentValue} was saved in the scope of organization {scoped}.");
            }
        }
    }
}
