using MedicalHub.Security.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace MedicalHub.Security.Authorization;

/// <summary>
/// The caller holds <see cref="Permission"/> (a <c>permission</c> claim of its token), or is a service client and
/// <see cref="AllowServiceClients"/> says services may call the endpoint on behalf of an organization.
/// </summary>
public sealed record PermissionRequirement(string Permission, bool AllowServiceClients) : IAuthorizationRequirement;

internal sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var caller = CurrentCaller.From(context.User);
        if (caller.IsAuthenticated && (caller.HasPermission(requirement.Permission) || (requirement.AllowServiceClients && caller.IsService)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
