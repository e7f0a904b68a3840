using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// The caller's current organization (the token's <c>org_id</c>) and its members. Every query is scoped to
/// that organization, so another organization's members are simply not found.
/// </summary>
public static class OrganizationApi
{
    public static IEndpointRouteBuilder MapOrganizationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/permissions", () => TypedResults.Ok(PermissionNames.Catalogue.Select(p => new PermissionView(p.Key, p.Value)).ToArray()))
            .RequireAuthorization().WithTags("Organizations").WithName("ListPermissions").WithSummary("The permission catalogue roles are built from");

        var organization = app.MapGroup("/api/organizations/current").WithTags("Organizations").RequireAuthorization();
        organization.MapGet("/", GetAsync).WithName("GetCurrentOrganization").WithSummary("The organization the token is for");
        organization.MapPatch("/", UpdateAsync).WithName("UpdateCurrentOrganization").WithSummary("Rename the organization")
            .RequirePermission(PermissionNames.OrgManage);
        organization.MapGet("/roles", ListRolesAsync).WithName("ListRoles").WithSummary("The built-in and custom roles of the organization")
            .RequirePermission(PermissionNames.UsersRead);

        var members = organization.MapGroup("/members");
        members.MapGet("/", ListMembersAsync).WithName("ListMembers").WithSummary("Members, optionally searched by name or e-mail")
            .RequirePermission(PermissionNames.UsersRead);
        members.MapPut("/{userId:guid}/roles", SetRolesAsync).WithName("SetMemberRoles").WithSummary("Replace a member's roles")
            .RequirePermission(PermissionNames.UsersManage);
        members.MapPost("/{userId:guid}/deactivate", DeactivateAsync).WithName("DeactivateMember")
            .WithSummary("Remove a member's access to the organization; their sessions in it end").RequirePermission(PermissionNames.UsersManage);
        members.MapPost("/{userId:guid}/reset-mfa", ResetMfaAsync).WithName("ResetMemberMfa")
            .WithSummary("Turn a member's TOTP off (lost authenticator): they log in with the password and enrol again").RequirePermission(PermissionNames.UsersManage);
        return app;
    }

    public sealed record PermissionView(string Name, string Description);

    public sealed record OrganizationView(Guid Id, string Name, string Slug, DateTimeOffset CreatedAt);

    public sealed record OrganizationChange([Required, StringLength(200, MinimumLength = 2)] string Name);

    public sealed record MemberView(Guid UserId, string Email, string GivenName, string FamilyName, string[] Roles, bool Active, bool MfaEnabled);

    public sealed record RolesChange([Required, MinLength(1), MaxLength(20)] Guid[] RoleIds);

    private static async Task<Results<Ok<OrganizationView>, NotFound>> GetAsync(ClaimsPrincipal principal, IdentityServiceDbContext db, CancellationToken ct)
    {
        var id = principal.RequiredOrganizationId();
        var organization = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct);
        return organization is null ? TypedResults.NotFound() : TypedResults.Ok(new OrganizationView(organization.Id, organization.Name, organization.Slug, organization.CreatedAt));
    }

    private static async Task<Results<Ok<OrganizationView>, NotFound>> UpdateAsync(OrganizationChange change, ClaimsPrincipal principal,
        IdentityServiceDbContext db, IAuditTrail audit, CancellationToken ct)
    {
        var id = principal.RequiredOrganizationId();
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == id, ct);
        if (organization is null)
        {
            return TypedResults.NotFound();
        }
        organization.Name = change.Name.Trim();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new(AuditActions.OrganizationChanged, AuditOutcomes.Success, id, principal.UserId()), ct);
        return TypedResults.Ok(new OrganizationView(organization.Id, organization.Name, organization.Slug, organization.CreatedAt));
    }

    private static async Task<Ok<RoleView[]>> ListRolesAsync(ClaimsPrincipal principal, IdentityServiceDbContext db, CancellationToken ct)
    {
        var id = principal.RequiredOrganizationId();
        var roles = await db.OrganizationRoles.AsNoTracking().Where(r => r.OrganizationId == null || r.OrganizationId == id).OrderBy(r => r.Name).ToListAsync(ct);
        return TypedResults.Ok(roles.Select(RoleView.Of).ToArray());
    }

    private static async Task<Results<Ok<MemberView[]>, ValidationProblem>> ListMembersAsync(string? search, ClaimsPrincipal principal,
        IdentityServiceDbContext db, CancellationToken ct)
    {
        if (search is { Length: > 100 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["search"] = ["At most 100 characters."] });
        }
        var id = principal.RequiredOrganizationId();
        // Staff only: patient portal accounts are listed with the patient invitations (PatientPortal/).
        var query = db.Memberships.AsNoTracking().Where(m => m.OrganizationId == id && m.PatientId == null)
            .Join(db.Users.AsNoTracking(), m => m.UserId, u => u.Id, (m, u) => new { m, u });
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(x => EF.Functions.ILike(x.u.Email!, pattern) || EF.Functions.ILike(x.u.GivenName, pattern) || EF.Functions.ILike(x.u.FamilyName, pattern));
        }
        var rows = await query.OrderBy(x => x.u.FamilyName).ThenBy(x => x.u.GivenName).Take(500).ToListAsync(ct);
        var roleNames = await db.OrganizationRoles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        return TypedResults.Ok(rows.Select(x => new MemberView(x.u.Id, x.u.Email!, x.u.GivenName, x.u.FamilyName,
            [.. x.m.RoleIds.Where(roleNames.ContainsKey).Select(r => roleNames[r]).Order(StringComparer.Ordinal)], x.m.IsActive, x.u.TwoFactorEnabled)).ToArray());
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> SetRolesAsync(Guid userId, RolesChange change, ClaimsPrincipal principal,
        IdentityServiceDbContext db, IAuditTrail audit, CancellationToken ct)
    {
        var id = principal.RequiredOrganizationId();
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.OrganizationId == id && m.UserId == userId, ct);
        if (membership is null)
        {
            return TypedResults.NotFound();
        }
        if (membership.PatientId is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = ["A patient portal account holds the patient role only: its roles cannot be changed."] });
        }
        var wanted = change.RoleIds.Distinct().ToArray();
        if (!await db.AreStaffRolesOfAsync(id, wanted, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roleIds"] = ["Every role must be a built-in staff role or one of this organization's."] });
        }
        if (userId == principal.UserId() && !wanted.Contains(OrganizationRole.BuiltIn.OrgAdmin.Id) && membership.RoleIds.Contains(OrganizationRole.BuiltIn.OrgAdmin.Id)
            && !await db.Memberships.AnyAsync(m => m.OrganizationId == id && m.UserId != userId && m.IsActive && m.RoleIds.Contains(OrganizationRole.BuiltIn.OrgAdmin.Id), ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roleIds"] = ["The organization's last administrator cannot give up OrgAdmin."] });
        }

        membership.RoleIds = [.. wanted];
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new(AuditActions.RolesChanged, AuditOutcomes.Success, id, principal.UserId(), userId, Reason: string.Join(",", wanted)), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> ResetMfaAsync(Guid userId, ClaimsPrincipal principal, IdentityServiceDbContext db,
        Microsoft.AspNetCore.Identity.UserManager<User> users, IAuditTrail audit, CancellationToken ct)
    {
        var id = principal.RequiredOrganizationId();
        if (!await db.Memberships.AnyAsync(m => m.OrganizationId == id && m.UserId == userId && m.IsActive, ct)
            || await users.FindByIdAsync(userId.ToString()) is not { } user)
        {
            return TypedResults.NotFound();
        }
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0); // the old recovery codes stop working
        await audit.RecordAsync(new(AuditActions.MfaReset, AuditOutcomes.Success, id, principal.UserId(), userId), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> DeactivateAsync(Guid userId, ClaimsPrincipal principal,
        IdentityServiceDbContext db, UserSessions sessions, IAuditTrail audit, CancellationToken ct)
    {
        var id = principal.RequiredOrganizationId();
        if (userId == principal.UserId())
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = ["You cannot deactivate yourself."] });
        }
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.OrganizationId == id && m.UserId == userId, ct);
        if (membership is null)
        {
            return TypedResults.NotFound();
        }
        membership.IsActive = false;
        await db.SaveChangesAsync(ct);
        var ended = await sessions.RevokeInOrganizationAsync(userId, id, ct);
        await audit.RecordAsync(new(AuditActions.MemberDeactivated, AuditOutcomes.Success, id, principal.UserId(), userId, Reason: $"{ended} session(s) ended"), ct);
        return TypedResults.NoContent();
    }
}
