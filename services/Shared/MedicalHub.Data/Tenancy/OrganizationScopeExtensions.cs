using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.Data.Tenancy;

public static class OrganizationScopeExtensions
{
    /// <summary>
    /// One <see cref="OrganizationScope"/> per DI scope, starting at <paramref name="callerOrganization"/> (e.g. the
    /// current caller's <c>org_id</c>), attached to <typeparamref name="TContext"/> each time the context is resolved
    /// (pooled contexts too). Call after the context is registered (<see cref="ServiceDataExtensions.AddServiceDataStores{TContext}"/>).
    /// </summary>
    public static IServiceCollection AddOrganizationScope<TContext>(this IServiceCollection services, Func<IServiceProvider, Guid?> callerOrganization)
        where TContext : OrganizationScopedDbContext
    {
        services.AddScoped<OrganizationScopeStart>();
        services.AddScoped(sp => new OrganizationScope(sp.GetRequiredService<OrganizationScopeStart>().FromCaller ? callerOrganization(sp) : null));

        var registration = services.LastOrDefault(d => d.ServiceType == typeof(TContext))
            ?? throw new InvalidOperationException($"Register {typeof(TContext).Name} before its organization scope.");
        Func<IServiceProvider, TContext> create = registration.ImplementationFactory is { } factory
            ? sp => (TContext)factory(sp)
            : registration.ImplementationType is { } type
                ? sp => (TContext)ActivatorUtilities.CreateInstance(sp, type)
                : throw new InvalidOperationException($"{typeof(TContext).Name} is registered in a way the organization scope cannot wrap.");
        services.Remove(registration);
        services.Add(new ServiceDescriptor(typeof(TContext), sp =>
        {
            var context = create(sp);
            context.AttachScope(sp.GetRequiredService<OrganizationScope>());
            return context;
        }, registration.Lifetime));
        return services;
    }

    /// <summary>
    /// A DI scope whose <see cref="OrganizationScope"/> does not start at the current caller's organization (the request
    /// this runs in) but at none, so the work done in it names the organization it acts for with
    /// <see cref="OrganizationScope.ActFor"/>: appending to the audit chain of the organization whose data a reader from
    /// another organization opened through a share, for instance.
    /// </summary>
    public static AsyncServiceScope CreateAsyncScopeWithoutCaller(this IServiceScopeFactory scopes)
    {
        var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<OrganizationScopeStart>() is { } start)
        {
            start.FromCaller = false;
        }
        return scope;
    }
}

/// <summary>Whether a DI scope's <see cref="OrganizationScope"/> starts at the caller's organization (the default) or at none.</summary>
public sealed class OrganizationScopeStart
{
    public bool FromCaller { get; set; } = true;
}
