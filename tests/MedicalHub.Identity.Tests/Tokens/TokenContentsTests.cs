using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Tests.Tokens;

/// <summary>What a user's tokens say (<see cref="PrincipalFactory"/>), and what goes in the identity token too.</summary>
public sealed class TokenContentsTests
{
    private static readonly TokenServerSettings Settings = new() { Audiences = ["identity", "content", "communication"] };
    private static readonly PrincipalFactory Principals = new(Options.Create(Settings));

    private static readonly User Alice = new() { Email = "alice@example.org", EmailConfirmed = true, GivenName = "Alice", FamilyName = "Liddell" };
    private static readonly Guid Organization = Guid.CreateVersion7();
    private static readonly Guid Nurse = Guid.CreateVersion7();
    private static readonly Guid Practitioner = Guid.CreateVersion7();

    private static ActiveMembership Member(List<Guid>? mfaRequiredRoleIds = null) => new(
        new Membership { OrganizationId = Organization, UserId = Alice.Id, RoleIds = [Nurse, Practitioner] },
        [new RoleGrant("Practitioner", [PermissionNames.DocumentsWrite, PermissionNames.DocumentsRead]), new RoleGrant("Nurse", [PermissionNames.DocumentsRead, PermissionNames.MessagesSend])],
        mfaRequiredRoleIds);

    private static string[] Values(ClaimsPrincipal principal, string type) => [.. principal.FindAll(type).Select(c => c.Value)];

    [Fact]
    public void A_token_names_the_user_organization_session_and_login_methods_with_the_union_of_the_roles_permissions()
    {
        var principal = Principals.Create(Alice, Member(), "session-1", ["pwd", "mfa", "otp"], [Scopes.OpenId, Scopes.OfflineAccess]);

        Assert.Equal(Alice.Id.ToString(), principal.GetClaim(Claims.Subject));
        Assert.Equal("Alice Liddell", principal.GetClaim(Claims.Name));
        Assert.Equal(Organization.ToString(), principal.GetClaim(ClaimNames.Organization));
        Assert.Equal("session-1", principal.GetClaim(ClaimNames.Session));
        Assert.Equal(["pwd", "mfa", "otp"], Values(principal, ClaimNames.AuthenticationMethod));
        Assert.Equal(["Nurse", "Practitioner"], Values(principal, Claims.Role));
        Assert.Equal([PermissionNames.DocumentsRead, PermissionNames.DocumentsWrite, PermissionNames.MessagesSend], Values(principal, ClaimNames.Permission));
        Assert.Equal(Settings.Audiences, principal.GetResources());
        Assert.Equal([Scopes.OpenId, Scopes.OfflineAccess], principal.GetScopes());
        Assert.Null(principal.GetClaim(ClaimNames.MfaEnrollmentRequired));
    }

    [Fact]
    public void A_patient_portal_account_s_token_names_its_record_holds_the_patient_role_only_and_no_permission()
    {
        var record = Guid.CreateVersion7();
        // Even a row that somehow also lists staff roles gives a patient nothing but the patient role.
        var patient = new ActiveMembership(
            new Membership { OrganizationId = Organization, UserId = Alice.Id, RoleIds = [OrganizationRole.BuiltIn.Patient.Id, Practitioner], PatientId = record },
            [new RoleGrant(RoleNames.Patient, []), new RoleGrant("Practitioner", [PermissionNames.DocumentsRead, PermissionNames.PatientsRead])],
            null);

        var principal = Principals.Create(Alice, patient, "s", ["pwd"], []);

        Assert.Equal([RoleNames.Patient], Values(principal, Claims.Role));
        Assert.Empty(Values(principal, ClaimNames.Permission));
        Assert.Equal(record.ToString(), principal.GetClaim(ClaimNames.Patient));
        Assert.Equal(Organization.ToString(), principal.GetClaim(ClaimNames.Organization));
        Assert.Equal([Destinations.AccessToken], principal.FindFirst(ClaimNames.Patient)!.GetDestinations());
        // Staff tokens never name a patient record.
        Assert.Null(Principals.Create(Alice, Member(), "s", ["pwd"], []).GetClaim(ClaimNames.Patient));
    }

    [Fact]
    public void Only_the_name_the_address_and_the_session_go_in_the_identity_token_too()
    {
        var principal = Principals.Create(Alice, Member(), "session-1", ["pwd"], [Scopes.OpenId]);

        string[] both = [Destinations.AccessToken, Destinations.IdentityToken];
        foreach (var claim in principal.Claims)
        {
            var expected = claim.Type is Claims.Name or Claims.Email or Claims.EmailVerified or ClaimNames.Session ? both : [Destinations.AccessToken];
            Assert.True(expected.SequenceEqual(claim.GetDestinations()), $"{claim.Type}: {string.Join(", ", claim.GetDestinations())}");
        }
    }

    [Fact]
    public void A_member_of_an_mfa_required_role_who_logged_in_without_mfa_gets_no_rights_until_they_enrol()
    {
        var restricted = Principals.Create(Alice, Member(mfaRequiredRoleIds: [Practitioner]), "s", ["pwd"], []);

        Assert.Empty(Values(restricted, Claims.Role));
        Assert.Empty(Values(restricted, ClaimNames.Permission));
        Assert.Equal("true", restricted.GetClaim(ClaimNames.MfaEnrollmentRequired), ignoreCase: true);
    }

    [Theory]
    [InlineData("pwd,mfa,otp", "practitioner")] // logged in with MFA
    [InlineData("pwd", "")]                     // the organization requires MFA for no role
    [InlineData("pwd", "other")]                // …for a role the member does not hold
    public void Rights_are_kept_with_mfa_or_without_a_policy_on_the_member_s_roles(string methods, string requiredRole)
    {
        List<Guid> required = requiredRole switch { "practitioner" => [Practitioner], "other" => [Guid.CreateVersion7()], _ => [] };

        var principal = Principals.Create(Alice, Member(required), "s", methods.Split(','), []);

        Assert.Equal(["Nurse", "Practitioner"], Values(principal, Claims.Role));
        Assert.Null(principal.GetClaim(ClaimNames.MfaEnrollmentRequired));
    }

    [Fact]
    public void The_time_of_the_password_goes_in_the_identity_token_only()
    {
        var principal = Principals.Create(Alice, Member(), "s", ["pwd"], []);

        PrincipalFactory.SetAuthenticationTime(principal, "1700000000");
        PrincipalFactory.SetAuthenticationTime(principal, null);

        var claim = Assert.Single(principal.FindAll(Claims.AuthenticationTime));
        Assert.Equal("1700000000", claim.Value);
        Assert.Equal([Destinations.IdentityToken], claim.GetDestinations());
    }
}
