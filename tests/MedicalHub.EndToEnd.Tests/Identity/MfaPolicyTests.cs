using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class MfaPolicyTests(StackFixture stack)
{
    private static readonly string[] UsersRead = ["users:read"];

    private const string Policy = "/api/organizations/current/policy";
    private const string MfaGrant = "urn:medicalhub:params:oauth:grant-type:mfa-otp";

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response) => IdentityClient.JsonAsync(response);

    [Fact]
    public async Task A_member_of_a_role_that_requires_MFA_can_only_enrol_until_they_log_in_with_it()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);

        using (var set = await identity.SendAsync(HttpMethod.Put, Policy, adminToken, new { mfaRequiredRoleIds = new[] { IdentityClient.NurseRole } }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }
        using (var read = await identity.SendAsync(HttpMethod.Get, Policy, adminToken))
        {
            Assert.Equal([IdentityClient.NurseRole], (await JsonAsync(read)).GetProperty("mfaRequiredRoleIds").EnumerateArray().Select(r => r.GetGuid()));
        }

        // Signed in, but with no rights: only the account endpoints answer.
        using var restrictedLogin = await identity.PasswordGrantAsync(nurse.Email, nurse.Password, ("organization_id", admin.OrganizationId.ToString()));
        Assert.Equal(HttpStatusCode.OK, restrictedLogin.StatusCode);
        var restrictedTokens = await JsonAsync(restrictedLogin);
        var restricted = restrictedTokens.GetProperty("access_token").GetString()!;
        var claims = IdentityClient.Payload(restricted);
        Assert.True(claims.GetProperty("mfa_enrollment_required").GetBoolean());
        Assert.False(claims.TryGetProperty("role", out _));
        Assert.False(claims.TryGetProperty("permission", out _));
        using (var members = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/members", restricted))
        using (var organization = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current", restricted))
        using (var profile = await identity.SendAsync(HttpMethod.Get, "/api/account/profile", restricted))
        {
            Assert.Equal(HttpStatusCode.Forbidden, members.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, organization.StatusCode);
            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        }
        // The policy is the organization's: in their own practice the nurse keeps full rights.
        Assert.False(IdentityClient.Payload(await identity.AccessTokenAsync(nurse, nurse.OrganizationId)).TryGetProperty("mfa_enrollment_required", out _));

        using (var start = await identity.SendAsync(HttpMethod.Post, "/api/account/mfa/totp", restricted))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
            var secret = (await JsonAsync(start)).GetProperty("secret").GetString()!;
            using var confirm = await identity.SendAsync(HttpMethod.Post, "/api/account/mfa/totp/confirm", restricted, new { code = Totp.Code(secret) });
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);

            // The session that began without MFA stays restricted, even after enrolment.
            using var refresh = await identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"),
                ("refresh_token", restrictedTokens.GetProperty("refresh_token").GetString()!));
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
            var refreshed = IdentityClient.Payload((await JsonAsync(refresh)).GetProperty("access_token").GetString()!);
            Assert.True(refreshed.GetProperty("mfa_enrollment_required").GetBoolean());
            Assert.False(refreshed.TryGetProperty("permission", out _));

            using var password = await identity.PasswordGrantAsync(nurse.Email, nurse.Password, ("organization_id", admin.OrganizationId.ToString()));
            var mfaToken = (await JsonAsync(password)).GetProperty("mfa_token").GetString()!;
            using var login = await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"), ("mfa_token", mfaToken), ("otp", Totp.Code(secret, stepOffset: 1)));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var full = (await JsonAsync(login)).GetProperty("access_token").GetString()!;
            var fullClaims = IdentityClient.Payload(full);
            Assert.False(fullClaims.TryGetProperty("mfa_enrollment_required", out _));
            Assert.Equal("Nurse", fullClaims.GetProperty("role").GetString());
            using var members = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/members", full);
            Assert.Equal(HttpStatusCode.OK, members.StatusCode);
        }
        Assert.Contains("organization.policy-changed", await identity.AuditActionsAsync(adminToken));
    }

    [Fact]
    public async Task Only_the_organization_s_own_administrator_sets_its_policy_and_only_with_its_roles()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var other = await identity.RegisterVerifiedAsync();
        var otherToken = await identity.AccessTokenAsync(other);
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        var nurseToken = await identity.AccessTokenAsync(nurse, admin.OrganizationId);
        using var role = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/roles", adminToken, new { name = "Locum", permissions = UsersRead });
        var customRole = (await JsonAsync(role)).GetProperty("id").GetGuid();

        using var unknownRole = await identity.SendAsync(HttpMethod.Put, Policy, adminToken, new { mfaRequiredRoleIds = new[] { Guid.NewGuid() } });
        using var byNurse = await identity.SendAsync(HttpMethod.Put, Policy, nurseToken, new { mfaRequiredRoleIds = Array.Empty<Guid>() });
        using var foreignRole = await identity.SendAsync(HttpMethod.Put, Policy, otherToken, new { mfaRequiredRoleIds = new[] { customRole } });
        using var otherOwn = await identity.SendAsync(HttpMethod.Put, Policy, otherToken, new { mfaRequiredRoleIds = new[] { IdentityClient.NurseRole } });
        using var mine = await identity.SendAsync(HttpMethod.Put, Policy, adminToken, new { mfaRequiredRoleIds = new[] { customRole } });

        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, foreignRole.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherOwn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        // The other organization's policy (MFA for nurses) does not reach this organization's nurse.
        using var read = await identity.SendAsync(HttpMethod.Get, Policy, adminToken);
        Assert.Equal([customRole], (await JsonAsync(read)).GetProperty("mfaRequiredRoleIds").EnumerateArray().Select(r => r.GetGuid()));
        Assert.Equal("Nurse", IdentityClient.Payload(await identity.AccessTokenAsync(nurse, admin.OrganizationId)).GetProperty("role").GetString());
    }
}
