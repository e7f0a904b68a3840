using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Security.Authorization;

public static class PermissionEndpointExtensions
{
    /// <summary>
    /// Authorization, with the handler that judges <see cref="RequirePermission"/>: how every MedicalHub service (Identity
    /// included, whose tokens it validates itself) decides whether a caller holds a permission.
    /// </summary>
    public static IServiceCollection AddPermissionPolicies(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, PermissionHandler>());
        return services;
    }

    /// <summary>
    /// Only authenticated callers holding <paramref name="permission"/> (401 without a valid token, 403 without the
    /// permission). With <paramref name="allowServiceClients"/>, another service's client-credentials token passes too.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission, bool allowServiceClients = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .AddRequirements(new PermissionRequirement(permission, allowServiceClients))
            .Build());
}
