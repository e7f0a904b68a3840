using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;

namespace MedicalHub.Security.Authorization;

public static class PermissionEndpointExtensions
{
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
