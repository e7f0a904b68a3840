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
/// The organization's security policy: which roles require MFA. A member holding one of them who logs in
/// without MFA gets a token with no roles or permissions and <c>mfa_enrollment_required=true</c>, which only
/// the account endpoints accept, so they can enrol (see <see cref="MfaEnrollmentPolicy"/>).
/// </summary>
public static class OrganizationPolicyApi
{
    public static IEndpointRouteBuilder MapOrganizationPolicyApi(this IEndpointRouteBuilder app)
    {
        var policy = app.MapGroup("/api/organizations/current/policy").WithTags("Organizations").RequireAuthorization();
        policy.MapGet("/", GetAsync).WithName("GetOrganizationPolicy").WithSummary("The organization's security policy")
            .RequirePermission(PermissionNames.UsersRead);
        policy.MapPut("/", SetAsync).WithName("SetOrganizationPolicy").WithSummary("Replace the security policy (roles that require MFA)")
            .RequirePermission(PermissionNames.OrgManage);
        return app;
    }

    public sealed record PolicyView([Required, MaxLength(50)] Guid[] MfaRequiredRoleIds);

    private static async Task<Results<Ok<PolicyView>, NotFound>> GetAsync(ClaimsPrincipal principal, IdentityServiceDbContext db, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var roleIds = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.MfaRequiredRoleIds).SingleOrDefaultAsync(ct);
        return roleIds is null ? TypedResults.NotFound() : TypedResults.Ok(new PolicyView([.. roleIds]));
    }

    private static async Task<Results<Ok<PolicyView>, NotFound, ValidationProblem>> SetAsync(PolicyView policy, ClaimsPrincipal principal,
        IdentityServiceDbContext db, IAuditTrail audit, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, ct);
        if (organization is null)
        {
            return TypedResults.NotFound();
        }
        if (!await db.AreRolesOfAsync(organizationId, policy.MfaRequiredRoleIds, ct))
        {
            return Invalid("mfaRequiredRoleIds", "Every role must be a built-in role or one of this organization's.");
        }
        organization.MfaRequiredRoleIds = [.. policy.MfaRequiredRoleIds.Distinct()];
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new(AuditActions.PolicyChanged, AuditOutcomes.Success, organizationId, principal.UserId(),
            Reason: $"MFA required for roles: {string.Join(",", organization.MfaRequiredRoleIds)}"), ct);
        return TypedResults.Ok(new PolicyView([.. organization.MfaRequiredRoleIds]));
    }
}
