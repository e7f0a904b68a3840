using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// Who holds a role in an organization, for a service that addresses people by role (Content notifying the members of a
/// role a document was shared with). Only for service clients holding <see cref="PermissionNames.UsersReadContact"/>, like
/// <see cref="MemberContactApi"/>: an organization that does not exist and a role it does not have are both not found, and
/// so is <see cref="RoleNames.Patient"/>: patients are never addressed as a role (a share to it would tell every patient).
/// </summary>
public static class RoleMembersApi
{
    public static IEndpointRouteBuilder MapRoleMembersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/internal/organizations/{organizationId:guid}/roles/{role}/members", GetAsync)
            .WithName("GetRoleMembers").WithTags("Internal")
            .WithSummary("The active members holding a role, by the role's name (service clients only)")
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser()
                .RequireClaim(ClaimNames.ClientKind, ClientKinds.Service)
                .RequireClaim(ClaimNames.Permission, PermissionNames.UsersReadContact));
        return app;
    }

    public sealed record RoleMembers(string Role, Guid[] UserIds);

    private static async Task<Results<Ok<RoleMembers>, NotFound>> GetAsync(Guid organizationId, string role, IdentityServiceDbContext db, CancellationToken ct)
    {
        if (role == RoleNames.Patient || !await db.Organizations.AnyAsync(o => o.Id == organizationId, ct))
        {
            return TypedResults.NotFound();
        }
        var roleId = await db.OrganizationRoles.AsNoTracking()
            .Where(r => r.Name == role && (r.OrganizationId == null || r.OrganizationId == organizationId))
            .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
        if (roleId is not { } id)
        {
            return TypedResults.NotFound();
        }
        var members = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.IsActive && m.RoleIds.Contains(id))
            .OrderBy(m => m.UserId).Select(m => m.UserId).ToArrayAsync(ct);
        return TypedResults.Ok(new RoleMembers(role, members));
    }
}
