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
        services.AddScoped(sp => new OrganizationScope(callerOrganization(sp)));

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
}
