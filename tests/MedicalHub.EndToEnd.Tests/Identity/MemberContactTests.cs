using System.Net;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>
/// <c>GET /api/internal/organizations/{org}/members/{user}/contact</c>: how Communication reaches a user given by id; and
/// <c>…/roles/{role}/members</c>: whom Content tells of a share to a role.
/// </summary>
public sealed class MemberContactTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly IdentityClient _identity = new(stack);

    public void Dispose() => _identity.Dispose();

    private static string PathOf(Guid organizationId, Guid userId) => $"/api/internal/organizations/{organizationId}/members/{userId}/contact";

    private async Task<string> ServiceTokenAsync(string service, string scope)
    {
        using var granted = await _identity.ClientCredentialsAsync(service, await stack.ParameterAsync($"{service}-client-secret"), scope);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        return (await IdentityClient.JsonAsync(granted)).GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task Communication_reads_a_members_contact_within_the_organization_only_and_nobody_else_reads_it()
    {
        var admin = await _identity.RegisterVerifiedAsync();
        var adminToken = await _identity.AccessTokenAsync(admin);
        var unverified = await _identity.RegisterAsync();
        var stranger = await _identity.RegisterVerifiedAsync();
        await _identity.JoinAsync(unverified.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        using (var profile = await _identity.SendAsync(HttpMethod.Patch, "/api/account/profile", adminToken, new { phone = "+32 470 12 34 56", locale = "fr-BE", timeZone = "Europe/Brussels" }))
        {
            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        }
        var communication = await ServiceTokenAsync("communication", "identity");

        // The token carries the service-only permission the endpoint asks for.
        Assert.Contains("users:read-contact", IdentityClient.Payload(communication).GetProperty("permission").EnumerateArray().Select(p => p.GetString()));
        using (var found = await _identity.SendAsync(HttpMethod.Get, PathOf(admin.OrganizationId, admin.UserId), communication))
        {
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            var contact = await IdentityClient.JsonAsync(found);
            Assert.Equal(admin.Email, contact.GetProperty("email").GetString());
            Assert.Equal("+32 470 12 34 56", contact.GetProperty("phone").GetString());
            Assert.Equal("fr-BE", contact.GetProperty("locale").GetString());
            Assert.Equal("Europe/Brussels", contact.GetProperty("timeZone").GetString());
        }
        // An address not verified yet is not given out.
        using (var notVerified = await _identity.SendAsync(HttpMethod.Get, PathOf(admin.OrganizationId, unverified.UserId), communication))
        {
            Assert.Equal(HttpStatusCode.OK, notVerified.StatusCode);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, (await IdentityClient.JsonAsync(notVerified)).GetProperty("email").ValueKind);
        }
        // Another organization's user, through this organization, and nobody at all: not found alike.
        foreach (var userId in new[] { stranger.UserId, Guid.NewGuid() })
        {
            using var notFound = await _identity.SendAsync(HttpMethod.Get, PathOf(admin.OrganizationId, userId), communication);
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }

        // Nobody else: a user (an administrator holding every catalogue permission), a service without the permission.
        using (var byUser = await _identity.SendAsync(HttpMethod.Get, PathOf(admin.OrganizationId, admin.UserId), adminToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byUser.StatusCode);
        }
        using (var byWorkflow = await _identity.SendAsync(HttpMethod.Get, PathOf(admin.OrganizationId, admin.UserId), await ServiceTokenAsync("workflow", "identity")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byWorkflow.StatusCode);
        }
    }

    [Fact]
    public async Task Content_reads_who_holds_a_role_within_the_organization_only_and_nobody_else_reads_it()
    {
        var admin = await _identity.RegisterVerifiedAsync();
        var adminToken = await _identity.AccessTokenAsync(admin);
        var nurse = await _identity.RegisterVerifiedAsync();
        var receptionist = await _identity.RegisterVerifiedAsync();
        var otherAdmin = await _identity.RegisterVerifiedAsync();
        var elsewhere = await _identity.RegisterVerifiedAsync(); // a nurse of another organization
        await _identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        await _identity.JoinAsync(receptionist.UserId, admin.OrganizationId, IdentityClient.ReceptionistRole);
        await _identity.JoinAsync(elsewhere.UserId, otherAdmin.OrganizationId, IdentityClient.NurseRole);
        var content = await ServiceTokenAsync("content", "identity");
        string RolePath(Guid organizationId, string role) => $"/api/internal/organizations/{organizationId}/roles/{Uri.EscapeDataString(role)}/members";

        using (var nurses = await _identity.SendAsync(HttpMethod.Get, RolePath(admin.OrganizationId, "Nurse"), content))
        {
            Assert.Equal(HttpStatusCode.OK, nurses.StatusCode);
            Assert.Equal([nurse.UserId], (await IdentityClient.JsonAsync(nurses)).GetProperty("userIds").EnumerateArray().Select(u => u.GetGuid()));
        }
        // A role nobody holds is empty; a role the organization does not have, an organization that does not exist, and the
        // patients' role (never addressed as a role) are not found.
        using (var practitioners = await _identity.SendAsync(HttpMethod.Get, RolePath(admin.OrganizationId, "Practitioner"), content))
        {
            Assert.Equal(HttpStatusCode.OK, practitioners.StatusCode);
            Assert.Empty((await IdentityClient.JsonAsync(practitioners)).GetProperty("userIds").EnumerateArray());
        }
        foreach (var path in new[] { RolePath(admin.OrganizationId, "Surgeon"), RolePath(admin.OrganizationId, "nurse"), RolePath(Guid.NewGuid(), "Nurse"), RolePath(admin.OrganizationId, "Patient") })
        {
            using var notFound = await _identity.SendAsync(HttpMethod.Get, path, content);
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }
        // Nobody else: a user (an administrator holding every catalogue permission), a service without the permission.
        using (var byUser = await _identity.SendAsync(HttpMethod.Get, RolePath(admin.OrganizationId, "Nurse"), adminToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byUser.StatusCode);
        }
        using (var byWorkflow = await _identity.SendAsync(HttpMethod.Get, RolePath(admin.OrganizationId, "Nurse"), await ServiceTokenAsync("workflow", "identity")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byWorkflow.StatusCode);
        }
    }
}
