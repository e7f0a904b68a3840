using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class OrganizationTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Practice(IdentityClient.Registered Admin, string AdminToken, IdentityClient.Registered Nurse);

    private static async Task<Practice> PracticeAsync(IdentityClient identity)
    {
        var admin = await identity.RegisterVerifiedAsync();
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        return new Practice(admin, await identity.AccessTokenAsync(admin), nurse);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    [Fact]
    public async Task The_administrator_renames_the_organization_and_a_nurse_may_not()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);
        var nurseToken = await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId);

        using var renamed = await identity.SendAsync(HttpMethod.Patch, "/api/organizations/current", practice.AdminToken, new { name = "Princeton-Plainsboro" });
        using var byNurse = await identity.SendAsync(HttpMethod.Patch, "/api/organizations/current", nurseToken, new { name = "Hijacked" });
        using var invalid = await identity.SendAsync(HttpMethod.Patch, "/api/organizations/current", practice.AdminToken, new { name = "" });
        using var read = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current", nurseToken);

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("Princeton-Plainsboro", (await JsonAsync(read)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Members_are_listed_and_searched_within_the_organization_only()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);
        var other = await PracticeAsync(identity);

        using var all = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/members", practice.AdminToken);
        var members = (await JsonAsync(all)).EnumerateArray().ToList();
        Assert.Equal([practice.Admin.UserId, practice.Nurse.UserId], members.Select(m => m.GetProperty("userId").GetGuid()).Order());
        Assert.Equal(["Nurse"], members.Single(m => m.GetProperty("userId").GetGuid() == practice.Nurse.UserId).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        using var search = await identity.SendAsync(HttpMethod.Get, $"/api/organizations/current/members?search={Uri.EscapeDataString(practice.Nurse.Email[..12])}", practice.AdminToken);
        Assert.Equal(practice.Nurse.UserId, Assert.Single((await JsonAsync(search)).EnumerateArray()).GetProperty("userId").GetGuid());

        using var otherSearch = await identity.SendAsync(HttpMethod.Get, $"/api/organizations/current/members?search={Uri.EscapeDataString(practice.Nurse.Email)}", other.AdminToken);
        Assert.Empty((await JsonAsync(otherSearch)).EnumerateArray());
        using var wildcard = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/members?search=%25", other.AdminToken);
        Assert.Empty((await JsonAsync(wildcard)).EnumerateArray());
    }

    [Fact]
    public async Task Changing_a_member_s_roles_changes_their_next_tokens()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);

        using var changed = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Nurse.UserId}/roles", practice.AdminToken,
            new { roleIds = new[] { IdentityClient.PractitionerRole } });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        var token = await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId);
        var claims = IdentityClient.Payload(token);
        Assert.Equal("Practitioner", claims.GetProperty("role").GetString());
        Assert.Contains("workflows:manage", claims.GetProperty("permission").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Role_changes_are_refused_for_unknown_roles_another_organization_s_member_and_the_last_administrator()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);
        var other = await PracticeAsync(identity);

        using var unknownRole = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Nurse.UserId}/roles", practice.AdminToken,
            new { roleIds = new[] { Guid.NewGuid() } });
        using var crossTenant = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Nurse.UserId}/roles", other.AdminToken,
            new { roleIds = new[] { IdentityClient.OrgAdminRole } });
        using var lastAdmin = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Admin.UserId}/roles", practice.AdminToken,
            new { roleIds = new[] { IdentityClient.NurseRole } });
        using var empty = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Nurse.UserId}/roles", practice.AdminToken,
            new { roleIds = Array.Empty<Guid>() });
        var nurseToken = await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId);
        using var byNurse = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Nurse.UserId}/roles", nurseToken,
            new { roleIds = new[] { IdentityClient.OrgAdminRole } });

        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, crossTenant.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, lastAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        Assert.Equal("Nurse", IdentityClient.Payload(await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId)).GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_deactivated_member_loses_the_organization_at_once_and_only_their_own_administrator_can_do_it()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);
        var other = await PracticeAsync(identity);
        using var nurseLogin = await identity.PasswordGrantAsync(practice.Nurse.Email, practice.Nurse.Password, ("organization_id", practice.Admin.OrganizationId.ToString()));
        var nurseRefresh = (await JsonAsync(nurseLogin)).GetProperty("refresh_token").GetString()!;

        using var crossTenant = await identity.SendAsync(HttpMethod.Post, $"/api/organizations/current/members/{practice.Nurse.UserId}/deactivate", other.AdminToken);
        using var self = await identity.SendAsync(HttpMethod.Post, $"/api/organizations/current/members/{practice.Admin.UserId}/deactivate", practice.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, crossTenant.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);

        using var deactivated = await identity.SendAsync(HttpMethod.Post, $"/api/organizations/current/members/{practice.Nurse.UserId}/deactivate", practice.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, deactivated.StatusCode);

        using var refresh = await identity.TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"), ("refresh_token", nurseRefresh));
        using var login = await identity.PasswordGrantAsync(practice.Nurse.Email, practice.Nurse.Password, ("organization_id", practice.Admin.OrganizationId.ToString()));
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        // The nurse's own organization is untouched.
        await identity.AccessTokenAsync(practice.Nurse);
    }

    [Fact]
    public async Task The_catalogue_and_the_roles_are_listed()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);

        using var catalogue = await identity.SendAsync(HttpMethod.Get, "/api/permissions", practice.AdminToken);
        using var roles = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/roles", practice.AdminToken);

        Assert.Equal(17, (await JsonAsync(catalogue)).GetArrayLength());
        Assert.Equal(["Nurse", "OrgAdmin", "Patient", "Practitioner", "Receptionist"], (await JsonAsync(roles)).EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }
}
