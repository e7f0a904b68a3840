using System.Net;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class InvitationTests(StackFixture stack)
{
    private static readonly string[] UsersRead = ["users:read"];

    private const string Password = "a long and uncommon passphrase";

    private static Task<System.Text.Json.JsonElement> JsonAsync(HttpResponseMessage response) => IdentityClient.JsonAsync(response);

    [Fact]
    public async Task A_new_address_accepts_once_and_becomes_a_verified_member_with_the_invited_role()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var email = IdentityClient.NewEmail();

        var token = await identity.InviteAsync(adminToken, email, IdentityClient.NurseRole);
        var mail = await identity.QueuedInvitationAsync(email);
        // At rest only the token's SHA-256: a copy of the database cannot accept the invitation.
        var stored = (string?)await identity.ScalarAsync("SELECT token_hash FROM invitations WHERE email = @email", ("email", email));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), stored);
        Assert.Equal("Gregory House", mail.GetProperty("inviterName").GetString());
        Assert.StartsWith("Practice ", mail.GetProperty("organizationName").GetString(), StringComparison.Ordinal);
        using (var pending = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/invitations", adminToken))
        {
            var invitation = Assert.Single((await JsonAsync(pending)).EnumerateArray());
            Assert.Equal(email, invitation.GetProperty("email").GetString());
            Assert.Equal(IdentityClient.NurseRole, invitation.GetProperty("roleIds")[0].GetGuid());
        }

        using var accepted = await identity.AcceptInvitationAsync(new { token, password = Password, givenName = "Brenda", familyName = "Previn" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var body = await JsonAsync(accepted);
        Assert.True(body.GetProperty("accountCreated").GetBoolean());
        Assert.Equal(admin.OrganizationId, body.GetProperty("organizationId").GetGuid());

        // No verification e-mail needed: the link proved the mailbox.
        var nurse = new IdentityClient.Registered(admin.OrganizationId, body.GetProperty("userId").GetGuid(), email, Password);
        var claims = IdentityClient.Payload(await identity.AccessTokenAsync(nurse));
        Assert.Equal("Nurse", claims.GetProperty("role").GetString());
        Assert.Equal(admin.OrganizationId.ToString(), claims.GetProperty("org_id").GetString());
        Assert.True(claims.GetProperty("email_verified").GetBoolean());

        using var again = await identity.AcceptInvitationAsync(new { token, password = Password, givenName = "Brenda", familyName = "Previn" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        using (var pending = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/invitations", adminToken))
        {
            Assert.Empty((await JsonAsync(pending)).EnumerateArray());
        }
        var actions = await identity.AuditActionsAsync(adminToken);
        Assert.Contains("invitation.sent", actions);
        Assert.Contains("invitation.accepted", actions);
    }

    [Fact]
    public async Task An_existing_account_joins_only_with_proof_that_it_is_theirs()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var doctor = await identity.RegisterVerifiedAsync();
        var stranger = await identity.RegisterVerifiedAsync();
        var token = await identity.InviteAsync(adminToken, doctor.Email, IdentityClient.PractitionerRole);

        using var withoutProof = await identity.AcceptInvitationAsync(new { token });
        using var wrongPassword = await identity.AcceptInvitationAsync(new { token, password = "not the doctor's password" });
        using var someoneElse = await identity.AcceptInvitationAsync(new { token }, await identity.AccessTokenAsync(stranger));
        Assert.Equal(HttpStatusCode.BadRequest, withoutProof.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, someoneElse.StatusCode);
        using (var login = await identity.PasswordGrantAsync(doctor.Email, doctor.Password, ("organization_id", admin.OrganizationId.ToString())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode); // not a member yet
        }

        using var accepted = await identity.AcceptInvitationAsync(new { token }, await identity.AccessTokenAsync(doctor));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.False((await JsonAsync(accepted)).GetProperty("accountCreated").GetBoolean());

        var claims = IdentityClient.Payload(await identity.AccessTokenAsync(doctor, admin.OrganizationId));
        Assert.Equal("Practitioner", claims.GetProperty("role").GetString());
        // Their own practice is still theirs, with its own role.
        Assert.Equal("OrgAdmin", IdentityClient.Payload(await identity.AccessTokenAsync(doctor, doctor.OrganizationId)).GetProperty("role").GetString());

        // The password is proof too.
        var nurse = await identity.RegisterVerifiedAsync();
        var nurseInvitation = await identity.InviteAsync(adminToken, nurse.Email, IdentityClient.NurseRole);
        using var byPassword = await identity.AcceptInvitationAsync(new { token = nurseInvitation, password = nurse.Password });
        Assert.Equal(HttpStatusCode.OK, byPassword.StatusCode);
    }

    [Fact]
    public async Task Revoked_expired_and_replaced_links_do_not_work()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        object Acceptance(string token) => new { token, password = Password, givenName = "Allison", familyName = "Cameron" };

        var revokedEmail = IdentityClient.NewEmail();
        var revokedToken = await identity.InviteAsync(adminToken, revokedEmail, IdentityClient.NurseRole);
        var revokedId = (await identity.QueuedInvitationAsync(revokedEmail)).GetProperty("invitationId").GetGuid();
        using (var revoke = await identity.SendAsync(HttpMethod.Delete, $"/api/organizations/current/invitations/{revokedId}", adminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using (var resendRevoked = await identity.SendAsync(HttpMethod.Post, $"/api/organizations/current/invitations/{revokedId}/resend", adminToken))
        {
            Assert.Equal(HttpStatusCode.Conflict, resendRevoked.StatusCode);
        }
        using (var acceptRevoked = await identity.AcceptInvitationAsync(Acceptance(revokedToken)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, acceptRevoked.StatusCode);
        }

        var expiredEmail = IdentityClient.NewEmail();
        var expiredToken = await identity.InviteAsync(adminToken, expiredEmail, IdentityClient.NurseRole);
        Assert.Equal(1, await identity.ExecuteSqlAsync("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE email = @email", ("email", expiredEmail)));
        using (var acceptExpired = await identity.AcceptInvitationAsync(Acceptance(expiredToken)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, acceptExpired.StatusCode);
        }

        var resentEmail = IdentityClient.NewEmail();
        var firstToken = await identity.InviteAsync(adminToken, resentEmail, IdentityClient.NurseRole);
        var resentId = (await identity.QueuedInvitationAsync(resentEmail)).GetProperty("invitationId").GetGuid();
        using (var resend = await identity.SendAsync(HttpMethod.Post, $"/api/organizations/current/invitations/{resentId}/resend", adminToken))
        {
            Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        }
        var secondToken = (await identity.QueuedInvitationAsync(resentEmail)).GetProperty("token").GetString()!;
        Assert.NotEqual(firstToken, secondToken);
        using (var oldLink = await identity.AcceptInvitationAsync(Acceptance(firstToken)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, oldLink.StatusCode);
        }
        using (var newLink = await identity.AcceptInvitationAsync(Acceptance(secondToken)))
        {
            Assert.Equal(HttpStatusCode.OK, newLink.StatusCode);
        }
        using (var forged = await identity.AcceptInvitationAsync(Acceptance("not-a-token")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        Assert.Contains("invitation.revoked", await identity.AuditActionsAsync(adminToken));
    }

    [Fact]
    public async Task Bad_invitations_are_refused()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        var nurseToken = await identity.AccessTokenAsync(nurse, admin.OrganizationId);
        var email = IdentityClient.NewEmail();
        await identity.InviteAsync(adminToken, email, IdentityClient.NurseRole);

        using var invalidEmail = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", adminToken, new { email = "nobody", roleIds = new[] { IdentityClient.NurseRole } });
        using var unknownRole = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", adminToken, new { email = IdentityClient.NewEmail(), roleIds = new[] { Guid.NewGuid() } });
        using var noRole = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", adminToken, new { email = IdentityClient.NewEmail(), roleIds = Array.Empty<Guid>() });
        using var pendingAlready = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", adminToken, new { email = email.ToUpperInvariant(), roleIds = new[] { IdentityClient.NurseRole } });
        using var memberAlready = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", adminToken, new { email = nurse.Email, roleIds = new[] { IdentityClient.NurseRole } });
        using var byNurse = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", nurseToken, new { email = IdentityClient.NewEmail(), roleIds = new[] { IdentityClient.OrgAdminRole } });
        using var listByNurse = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/invitations", nurseToken);
        using var newAccountWithoutNames = await identity.AcceptInvitationAsync(new { token = (await identity.QueuedInvitationAsync(email)).GetProperty("token").GetString(), password = Password });
        using var weakPassword = await identity.AcceptInvitationAsync(new { token = (await identity.QueuedInvitationAsync(email)).GetProperty("token").GetString(), password = "password1234", givenName = "A", familyName = "B" });

        Assert.Equal(HttpStatusCode.BadRequest, invalidEmail.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noRole.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, pendingAlready.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, memberAlready.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listByNurse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, newAccountWithoutNames.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, weakPassword.StatusCode);
        Assert.Contains("password", (await JsonAsync(weakPassword)).GetProperty("errors").EnumerateObject().Select(e => e.Name));

        // The failed attempts did not use the invitation up.
        using var accepted = await identity.AcceptInvitationAsync(new { token = (await identity.QueuedInvitationAsync(email)).GetProperty("token").GetString(), password = Password, givenName = "A", familyName = "B" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Another_organization_s_administrator_can_neither_see_nor_change_the_invitations()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var otherAdmin = await identity.RegisterVerifiedAsync();
        var otherToken = await identity.AccessTokenAsync(otherAdmin);
        var email = IdentityClient.NewEmail();
        var token = await identity.InviteAsync(adminToken, email, IdentityClient.NurseRole);
        var id = (await identity.QueuedInvitationAsync(email)).GetProperty("invitationId").GetGuid();

        using var list = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/invitations", otherToken);
        using var revoke = await identity.SendAsync(HttpMethod.Delete, $"/api/organizations/current/invitations/{id}", otherToken);
        using var resend = await identity.SendAsync(HttpMethod.Post, $"/api/organizations/current/invitations/{id}/resend", otherToken);
        // Nor can they invite with this organization's custom role.
        using var role = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/roles", adminToken, new { name = "Billing", permissions = UsersRead });
        var roleId = (await JsonAsync(role)).GetProperty("id").GetGuid();
        using var foreignRole = await identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", otherToken, new { email = IdentityClient.NewEmail(), roleIds = new[] { roleId } });

        Assert.Empty((await JsonAsync(list)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, resend.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, foreignRole.StatusCode);
        // The invitation is untouched: its link still works.
        using var accepted = await identity.AcceptInvitationAsync(new { token, password = Password, givenName = "Robert", familyName = "Chase" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(admin.OrganizationId, (await JsonAsync(accepted)).GetProperty("organizationId").GetGuid());
    }
}
