using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace MedicalHub.Identity.Api.Mfa;

/// <summary>
/// The organization policy "MFA required for roles …". A member holding such a role whose login did not use
/// MFA still gets a token, but without roles or permissions and with <c>mfa_enrollment_required=true</c>:
/// every service refuses it (they authorize on permissions) and Identity's own API accepts it only under
/// <c>/api/account/</c>, where the member enrols. The next login with MFA has the full rights.
/// </summary>
public static class MfaEnrollmentPolicy
{
    /// <summary>True when the organization requires MFA (<paramref name="mfaRequiredRoleIds"/>) for one of the member's roles and the login did not use it.</summary>
    public static bool Restricts(IReadOnlyCollection<Guid>? mfaRequiredRoleIds, Membership membership, IEnumerable<string> authenticationMethods) =>
        !authenticationMethods.Contains("mfa") && mfaRequiredRoleIds is not null && membership.RoleIds.Any(mfaRequiredRoleIds.Contains);

    /// <summary>Part of Identity's default authorization policy: a restricted token only reaches the account endpoints.</summary>
    public sealed class Requirement : AuthorizationHandler<Requirement>, IAuthorizationRequirement
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            var restricted = context.User.HasClaim(c => c.Type == ClaimNames.MfaEnrollmentRequired && c.Value.Equals("true", StringComparison.OrdinalIgnoreCase));
            if (!restricted || (context.Resource is HttpContext http && http.Request.Path.StartsWithSegments("/api/account")))
            {
                context.Succeed(requirement);
            }
            return Task.CompletedTask;
        }
    }

    public static IServiceCollection AddMfaEnrollmentPolicy(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, Requirement>();
        services.Configure<AuthorizationOptions>(options =>
            options.DefaultPolicy = new AuthorizationPolicyBuilder(options.DefaultPolicy).AddRequirements(new Requirement()).Build());
        return services;
    }
}
