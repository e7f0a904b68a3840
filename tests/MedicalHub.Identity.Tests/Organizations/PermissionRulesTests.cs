using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Mfa;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace MedicalHub.Identity.Tests.Organizations;

/// <summary>
/// Identity's own permission rules: nobody grants a permission they do not hold or one outside the catalogue; a token
/// restricted by the MFA policy reaches only the account endpoints; a sign-in is for the organization it asks for.
/// </summary>
public sealed class PermissionRulesTests
{
    private static ClaimsPrincipal Holding(params string[] permissions) =>
        new(new ClaimsIdentity(permissions.Select(p => new Claim(ClaimNames.Permission, p)), "test"));

    [Fact]
    public void A_role_or_client_may_be_given_catalogue_permissions_its_grantor_holds()
    {
        var grantor = Holding(PermissionNames.RolesManage, PermissionNames.DocumentsRead, PermissionNames.MessagesSend);

        Assert.Null(AdministrationResults.PermissionErrors([PermissionNames.DocumentsRead, PermissionNames.MessagesSend], grantor));
    }

    [Fact]
    public void Nobody_grants_more_than_they_hold()
    {
        var grantor = Holding(PermissionNames.RolesManage, PermissionNames.DocumentsRead);

        var errors = AdministrationResults.PermissionErrors([PermissionNames.DocumentsRead, PermissionNames.AuditRead], grantor);

        var message = Assert.Single(Assert.Contains("permissions", errors!));
        Assert.Contains(PermissionNames.AuditRead, message, StringComparison.Ordinal);
        Assert.DoesNotContain(PermissionNames.DocumentsRead, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Permissions_outside_the_catalogue_are_refused_even_to_those_who_hold_them()
    {
        // A service-only permission is held by services, but no role can carry it.
        var grantor = Holding(PermissionNames.SessionsReadRevocations, "made:up");

        var errors = AdministrationResults.PermissionErrors([PermissionNames.SessionsReadRevocations, "made:up"], grantor, field: "roles");

        var message = Assert.Single(Assert.Contains("roles", errors!));
        Assert.Contains(PermissionNames.SessionsReadRevocations, message, StringComparison.Ordinal);
        Assert.Contains("made:up", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/account/mfa/totp", false, true)]
    [InlineData("/api/account/profile", true, true)]
    [InlineData("/api/organizations/current/members", true, false)]
    [InlineData("/api/organizations/current/members", false, true)]
    [InlineData("/api/audit-events", true, false)]
    public async Task A_token_restricted_by_the_mfa_policy_reaches_only_the_account_endpoints(string path, bool restricted, bool allowed)
    {
        Claim[] claims = restricted ? [new Claim(ClaimNames.MfaEnrollmentRequired, "true")] : [];
        var user = new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        var requirement = new MfaEnrollmentPolicy.Requirement();
        var context = new AuthorizationHandlerContext([requirement], user, http);

        await ((IAuthorizationHandler)requirement).HandleAsync(context);

        Assert.Equal(allowed, context.HasSucceeded);
    }

    [Fact]
    public void A_sign_in_is_for_the_organization_asked_for_or_else_the_oldest_membership()
    {
        var oldest = Membership();
        var newer = Membership();
        List<ActiveMembership> memberships = [oldest, newer];

        Assert.Same(oldest, MembershipDirectory.Choose(memberships, organizationId: null));
        Assert.Same(newer, MembershipDirectory.Choose(memberships, newer.OrganizationId.ToString()));
        Assert.Null(MembershipDirectory.Choose(memberships, Guid.CreateVersion7().ToString())); // not a member there
        Assert.Null(MembershipDirectory.Choose(memberships, "not-an-id"));
        Assert.Null(MembershipDirectory.Choose([], organizationId: null));
    }

    private static ActiveMembership Membership() =>
        new(new Membership { OrganizationId = Guid.CreateVersion7(), UserId = new User { GivenName = "", FamilyName = "" }.Id }, [], null);
}
