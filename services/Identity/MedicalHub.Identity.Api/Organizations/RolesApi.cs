using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Identity.Api.Organizations.AdministrationResults;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// Custom roles of the current organization, built from the permission catalogue. The built-in roles are
/// shared by every organization and cannot be changed. A role still held by a member or offered by a pending
/// invitation cannot be deleted (409): take it away first, so nobody loses rights by surprise.
/// </summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder app)
    {
        var roles = app.MapGroup("/api/organizations/current/roles").WithTags("Organizations")
            .RequireAuthorization().RequirePermission(PermissionNames.RolesManage);
        roles.MapPost("/", CreateAsync).WithName("CreateRole").WithSummary("Create a custom role from catalogue permissions");
        roles.MapPut("/{roleId:guid}", UpdateAsync).WithName("UpdateRole").WithSummary("Rename a custom role and replace its permissions");
        roles.MapDelete("/{roleId:guid}", DeleteAsync).WithName("DeleteRole").WithSummary("Delete a custom role no member or pending invitation holds");
        return app;
    }

    public sealed record RoleRequest([Required, StringLength(100, MinimumLength = 2)] string Name, [Required, MaxLength(50)] string[] Permissions);

    private static async Task<Results<Created<RoleView>, ValidationProblem, ProblemHttpResult>> CreateAsync(RoleRequest request,
        ClaimsPrincipal principal, IdentityServiceDbContext db, IAuditTrail audit, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var name = request.Name.Trim();
        if (await ValidateAsync(db, organizationId, null, name, request.Permissions, principal, ct) is { } invalid)
        {
            return invalid;
        }
        var role = new OrganizationRole { OrganizationId = organizationId, Name = name, Permissions = Normalize(request.Permissions) };
        db.OrganizationRoles.Add(role);
        if (!await SavedAsync(db, ct))
        {
            return Invalid("name", "A role of this name already exists.");
        }
        await audit.RecordAsync(new(AuditActions.RoleCreated, AuditOutcomes.Success, organizationId, principal.UserId(),
            Reason: $"role {role.Id} '{role.Name}': {string.Join(",", role.Permissions)}"), ct);
        return TypedResults.Created($"/api/organizations/current/roles/{role.Id}", RoleView.Of(role));
    }

    private static async Task<Results<Ok<RoleView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid roleId, RoleRequest request,
        ClaimsPrincipal principal, IdentityServiceDbContext db, IAuditTrail audit, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var role = await db.OrganizationRoles.SingleOrDefaultAsync(r => r.Id == roleId && (r.OrganizationId == null || r.OrganizationId == organizationId), ct);
        if (role is null)
        {
            return TypedResults.NotFound();
        }
        if (role.OrganizationId is null)
        {
            return Conflict("Built-in roles cannot be changed: create a custom role instead.");
        }
        var name = request.Name.Trim();
        if (await ValidateAsync(db, organizationId, roleId, name, request.Permissions, principal, ct) is { } invalid)
        {
            return invalid;
        }
        role.Name = name;
        role.Permissions = Normalize(request.Permissions);
        if (!await SavedAsync(db, ct))
        {
            return Invalid("name", "A role of this name already exists.");
        }
        await audit.RecordAsync(new(AuditActions.RoleChanged, AuditOutcomes.Success, organizationId, principal.UserId(),
            Reason: $"role {role.Id} '{role.Name}': {string.Join(",", role.Permissions)}"), ct);
        return TypedResults.Ok(RoleView.Of(role));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(Guid roleId, ClaimsPrincipal principal,
        IdentityServiceDbContext db, IAuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var role = await db.OrganizationRoles.SingleOrDefaultAsync(r => r.Id == roleId && (r.OrganizationId == null || r.OrganizationId == organizationId), ct);
        if (role is null)
        {
            return TypedResults.NotFound();
        }
        if (role.OrganizationId is null)
        {
            return Conflict("Built-in roles cannot be deleted.");
        }
        var now = time.GetUtcNow();
        var holders = await db.Memberships.CountAsync(m => m.OrganizationId == organizationId && m.IsActive && m.RoleIds.Contains(roleId), ct);
        var invited = await db.Invitations.CountAsync(i => i.OrganizationId == organizationId && i.AcceptedAt == null && i.RevokedAt == null
            && i.ExpiresAt > now && i.RoleIds.Contains(roleId), ct);
        if (holders + invited > 0)
        {
            return Conflict($"The role is held by {holders} member(s) and offered by {invited} pending invitation(s): change those first.");
        }

        var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId, ct);
        organization.MfaRequiredRoleIds = [.. organization.MfaRequiredRoleIds.Where(id => id != roleId)];
        db.OrganizationRoles.Remove(role);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new(AuditActions.RoleDeleted, AuditOutcomes.Success, organizationId, principal.UserId(), Reason: $"role {role.Id} '{role.Name}'"), ct);
        return TypedResults.NoContent();
    }

    private static async Task<ValidationProblem?> ValidateAsync(IdentityServiceDbContext db, Guid organizationId, Guid? roleId, string name,
        string[] permissions, ClaimsPrincipal principal, CancellationToken ct)
    {
        if (PermissionErrors(permissions, principal) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (OrganizationRole.BuiltIn.All.Any(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            || await db.OrganizationRoles.AnyAsync(r => r.OrganizationId == organizationId && r.Id != roleId && EF.Functions.ILike(r.Name, Exactly(name)), ct))
        {
            return Invalid("name", "A role of this name already exists.");
        }
        return null;
    }

    /// <summary>False when a concurrent request took the name first (the unique index on organization and name).</summary>
    private static async Task<bool> SavedAsync(IdentityServiceDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }

    private static string[] Normalize(string[] permissions) => [.. permissions.Distinct().Order(StringComparer.Ordinal)];
}
