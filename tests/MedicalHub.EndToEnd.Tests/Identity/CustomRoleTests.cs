using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class CustomRoleTests(StackFixture stack)
{
    private static readonly string[] MessagesSend = ["messages:send"];
    private static readonly string[] WithUnknown = ["users:read", "world:domination"];
    private static readonly string[] UsersRead = ["users:read"];
    private static readonly string[] OrgManage = ["org:manage"];

    private const string Roles = "/api/organizations/current/roles";

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response) => IdentityClient.JsonAsync(response);

    private sealed record Practice(IdentityClient.Registered Admin, string AdminToken, IdentityClient.Registered Nurse);

    private static async Task<Practice> PracticeAsync(IdentityClient identity)
    {
        var admin = await identity.RegisterVerifiedAsync();
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        return new Practice(admin, await identity.AccessTokenAsync(admin), nurse);
    }

    private static async Task<Guid> CreateAsync(IdentityClient identity, string token, string name, params string[] permissions)
    {
        using var created = await identity.SendAsync(HttpMethod.Post, Roles, token, new { name, permissions });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await JsonAsync(created)).GetProperty("id").GetGuid();
    }

    private static string[] Strings(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [value.GetString()!] : [];

    [Fact]
    public async Task A_custom_role_is_assigned_and_its_name_and_permissions_reach_the_token_after_each_change()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);
        var roleId = await CreateAsync(identity, practice.AdminToken, "Billing", "users:read", "documents:read");

        using (var list = await identity.SendAsync(HttpMethod.Get, Roles, practice.AdminToken))
        {
            var billing = (await JsonAsync(list)).EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == roleId);
            Assert.False(billing.GetProperty("builtIn").GetBoolean());
            Assert.Equal(["documents:read", "users:read"], billing.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        }
        using (var assign = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Nurse.UserId}/roles", practice.AdminToken, new { roleIds = new[] { roleId } }))
        {
            Assert.Equal(HttpStatusCode.NoContent, assign.StatusCode);
        }
        var claims = IdentityClient.Payload(await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId));
        Assert.Equal(["Billing"], Strings(claims, "role"));
        Assert.Equal(["documents:read", "users:read"], Strings(claims, "permission"));

        using (var update = await identity.SendAsync(HttpMethod.Put, $"{Roles}/{roleId}", practice.AdminToken, new { name = "Accounts", permissions = MessagesSend }))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }
        claims = IdentityClient.Payload(await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId));
        Assert.Equal(["Accounts"], Strings(claims, "role"));
        Assert.Equal(["messages:send"], Strings(claims, "permission"));

        // Held by the nurse: refused; once nobody holds it, deleted.
        using (var inUse = await identity.SendAsync(HttpMethod.Delete, $"{Roles}/{roleId}", practice.AdminToken))
        {
            Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        }
        using (var back = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{practice.Nurse.UserId}/roles", practice.AdminToken, new { roleIds = new[] { IdentityClient.NurseRole } }))
        {
            Assert.Equal(HttpStatusCode.NoContent, back.StatusCode);
        }
        using (var deleted = await identity.SendAsync(HttpMethod.Delete, $"{Roles}/{roleId}", practice.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var list = await identity.SendAsync(HttpMethod.Get, Roles, practice.AdminToken))
        {
            Assert.DoesNotContain(roleId, (await JsonAsync(list)).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        }
        var actions = await identity.AuditActionsAsync(practice.AdminToken);
        Assert.Contains("role.created", actions);
        Assert.Contains("role.changed", actions);
        Assert.Contains("role.deleted", actions);
    }

    [Fact]
    public async Task Bad_roles_are_refused_and_built_in_roles_cannot_change()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);
        var nurseToken = await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId);
        await CreateAsync(identity, practice.AdminToken, "Billing", "users:read");

        using var unknownPermission = await identity.SendAsync(HttpMethod.Post, Roles, practice.AdminToken, new { name = "Odd", permissions = WithUnknown });
        using var duplicate = await identity.SendAsync(HttpMethod.Post, Roles, practice.AdminToken, new { name = "billing", permissions = UsersRead });
        using var builtInName = await identity.SendAsync(HttpMethod.Post, Roles, practice.AdminToken, new { name = "OrgAdmin", permissions = UsersRead });
        using var noName = await identity.SendAsync(HttpMethod.Post, Roles, practice.AdminToken, new { name = "", permissions = UsersRead });
        using var changeBuiltIn = await identity.SendAsync(HttpMethod.Put, $"{Roles}/{IdentityClient.NurseRole}", practice.AdminToken, new { name = "Nurse", permissions = OrgManage });
        using var deleteBuiltIn = await identity.SendAsync(HttpMethod.Delete, $"{Roles}/{IdentityClient.NurseRole}", practice.AdminToken);
        using var byNurse = await identity.SendAsync(HttpMethod.Post, Roles, nurseToken, new { name = "Escalation", permissions = UsersRead });

        Assert.Equal(HttpStatusCode.BadRequest, unknownPermission.StatusCode);
        Assert.Contains("permissions", (await JsonAsync(unknownPermission)).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, builtInName.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, changeBuiltIn.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteBuiltIn.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        Assert.DoesNotContain("org:manage", Strings(IdentityClient.Payload(await identity.AccessTokenAsync(practice.Nurse, practice.Admin.OrganizationId)), "permission"));
    }

    [Fact]
    public async Task Another_organization_s_administrator_can_neither_see_nor_change_nor_assign_a_custom_role()
    {
        using var identity = new IdentityClient(stack);
        var practice = await PracticeAsync(identity);
        var other = await PracticeAsync(identity);
        var roleId = await CreateAsync(identity, practice.AdminToken, "Billing", "users:read");

        using var list = await identity.SendAsync(HttpMethod.Get, Roles, other.AdminToken);
        using var update = await identity.SendAsync(HttpMethod.Put, $"{Roles}/{roleId}", other.AdminToken, new { name = "Hijacked", permissions = OrgManage });
        using var delete = await identity.SendAsync(HttpMethod.Delete, $"{Roles}/{roleId}", other.AdminToken);
        using var assign = await identity.SendAsync(HttpMethod.Put, $"/api/organizations/current/members/{other.Nurse.UserId}/roles", other.AdminToken, new { roleIds = new[] { roleId } });

        Assert.DoesNotContain(roleId, (await JsonAsync(list)).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, assign.StatusCode);
        using var mine = await identity.SendAsync(HttpMethod.Get, Roles, practice.AdminToken);
        var role = (await JsonAsync(mine)).EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == roleId);
        Assert.Equal("Billing", role.GetProperty("name").GetString());
        Assert.Equal(["users:read"], role.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }
}
