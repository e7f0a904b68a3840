using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class ClientCredentialsTests(StackFixture stack)
{
    private static readonly string[] WithUnknownPermission = ["documents:read", "everything"];
    private static readonly string[] DocumentsRead = ["documents:read"];

    private const string Clients = "/api/organizations/current/clients";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response) => IdentityClient.JsonAsync(response);

    private static string[] Strings(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [value.GetString()!] : [];

    private sealed record CreatedClient(Guid Id, string ClientId, string Secret);

    private static async Task<CreatedClient> CreateAsync(IdentityClient identity, string adminToken, params string[] permissions)
    {
        using var created = await identity.SendAsync(HttpMethod.Post, Clients, adminToken, new { name = "Lab results importer", permissions });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        return new CreatedClient(body.GetProperty("id").GetGuid(), body.GetProperty("clientId").GetString()!, body.GetProperty("clientSecret").GetString()!);
    }

    private static async Task<JsonElement> TokenClaimsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return IdentityClient.Payload((await JsonAsync(response)).GetProperty("access_token").GetString()!);
    }

    [Fact]
    public async Task A_service_client_from_the_AppHost_gets_a_token_for_its_audiences_with_its_permissions_and_no_organization()
    {
        using var identity = new IdentityClient(stack);
        var secret = await stack.ParameterAsync("identity-client-secret");

        using var response = await identity.ClientCredentialsAsync("identity", secret);
        var claims = await TokenClaimsAsync(response);
        Assert.Equal("identity", claims.GetProperty("sub").GetString());
        Assert.Equal("identity", claims.GetProperty("client_id").GetString());
        Assert.Equal("service", claims.GetProperty("client_kind").GetString());
        // Identity sends its e-mails through Communication and asks Content whether an invited patient's record exists.
        Assert.Equal(["messages:send", "patients:check"], Strings(claims, "permission").Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["communication", "content"], Strings(claims, "aud").Order(StringComparer.Ordinal).ToArray());
        Assert.False(claims.TryGetProperty("org_id", out _));

        using var asked = await identity.ClientCredentialsAsync("identity", secret, "communication");
        Assert.Equal(["communication"], Strings(await TokenClaimsAsync(asked), "aud"));
        using var notAllowed = await identity.ClientCredentialsAsync("identity", secret, "workflow");
        using var wrongSecret = await identity.ClientCredentialsAsync("identity", "not the secret");
        using var otherService = await identity.ClientCredentialsAsync("content", secret);
        using var publicClient = await identity.TokenAsync(("grant_type", "client_credentials"), ("client_id", "medicalhub-web"));
        Assert.Equal(HttpStatusCode.BadRequest, notAllowed.StatusCode);
        Assert.Contains("scope", (await JsonAsync(notAllowed)).GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherService.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, publicClient.StatusCode);

        // Each service has its own client, with its own secret.
        using var content = await identity.ClientCredentialsAsync("content", await stack.ParameterAsync("content-client-secret"));
        Assert.Equal("content", (await TokenClaimsAsync(content)).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task An_integrator_s_client_gets_tokens_for_its_organization_until_its_secret_is_rotated_or_it_is_deleted()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var client = await CreateAsync(identity, adminToken, "documents:write", "documents:read");

        using (var list = await identity.SendAsync(HttpMethod.Get, Clients, adminToken))
        {
            var listed = Assert.Single((await JsonAsync(list)).EnumerateArray());
            Assert.Equal(client.ClientId, listed.GetProperty("clientId").GetString());
            Assert.DoesNotContain(client.Secret, listed.GetRawText(), StringComparison.Ordinal);
            Assert.False(listed.TryGetProperty("clientSecret", out _));
        }

        using (var token = await identity.ClientCredentialsAsync(client.ClientId, client.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            var accessToken = (await JsonAsync(token)).GetProperty("access_token").GetString()!;
            var claims = IdentityClient.Payload(accessToken);
            Assert.Equal(client.ClientId, claims.GetProperty("sub").GetString());
            Assert.Equal("integration", claims.GetProperty("client_kind").GetString());
            Assert.Equal(admin.OrganizationId.ToString(), claims.GetProperty("org_id").GetString());
            Assert.Equal(["documents:read", "documents:write"], Strings(claims, "permission"));
            Assert.Equal(["communication", "content", "workflow"], Strings(claims, "aud").Order());

            // Identity's own API serves people, not clients.
            using var members = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/members", accessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, members.StatusCode);
        }
        using (var scoped = await identity.ClientCredentialsAsync(client.ClientId, client.Secret, "content"))
        {
            Assert.Equal(["content"], Strings(await TokenClaimsAsync(scoped), "aud"));
        }
        using (var identityAudience = await identity.ClientCredentialsAsync(client.ClientId, client.Secret, "identity"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, identityAudience.StatusCode);
        }

        using var rotate = await identity.SendAsync(HttpMethod.Post, $"{Clients}/{client.Id}/rotate-secret", adminToken);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var newSecret = (await JsonAsync(rotate)).GetProperty("clientSecret").GetString()!;
        using (var oldSecret = await identity.ClientCredentialsAsync(client.ClientId, client.Secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldSecret.StatusCode);
        }
        using (var rotated = await identity.ClientCredentialsAsync(client.ClientId, newSecret))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        using var delete = await identity.SendAsync(HttpMethod.Delete, $"{Clients}/{client.Id}", adminToken);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var deleted = await identity.ClientCredentialsAsync(client.ClientId, newSecret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, deleted.StatusCode);
        }
        var actions = await identity.AuditActionsAsync(adminToken);
        Assert.Contains("client.created", actions);
        Assert.Contains("client.secret-rotated", actions);
        Assert.Contains("client.deleted", actions);
    }

    [Fact]
    public async Task Bad_clients_are_refused()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        var nurseToken = await identity.AccessTokenAsync(nurse, admin.OrganizationId);

        using var unknown = await identity.SendAsync(HttpMethod.Post, Clients, adminToken, new { name = "Importer", permissions = WithUnknownPermission });
        using var none = await identity.SendAsync(HttpMethod.Post, Clients, adminToken, new { name = "Importer", permissions = Array.Empty<string>() });
        using var noName = await identity.SendAsync(HttpMethod.Post, Clients, adminToken, new { name = "", permissions = DocumentsRead });
        using var byNurse = await identity.SendAsync(HttpMethod.Post, Clients, nurseToken, new { name = "Importer", permissions = DocumentsRead });
        using var listByNurse = await identity.SendAsync(HttpMethod.Get, Clients, nurseToken);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("permissions", (await JsonAsync(unknown)).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listByNurse.StatusCode);
    }

    [Fact]
    public async Task Another_organization_s_administrator_can_neither_see_nor_change_the_clients()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var adminToken = await identity.AccessTokenAsync(admin);
        var other = await identity.RegisterVerifiedAsync();
        var otherToken = await identity.AccessTokenAsync(other);
        var client = await CreateAsync(identity, adminToken, "documents:read");

        using var list = await identity.SendAsync(HttpMethod.Get, Clients, otherToken);
        using var rotate = await identity.SendAsync(HttpMethod.Post, $"{Clients}/{client.Id}/rotate-secret", otherToken);
        using var delete = await identity.SendAsync(HttpMethod.Delete, $"{Clients}/{client.Id}", otherToken);

        Assert.Empty((await JsonAsync(list)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, rotate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        // Untouched: the secret still works and the tokens are still for its own organization.
        using var token = await identity.ClientCredentialsAsync(client.ClientId, client.Secret);
        Assert.Equal(admin.OrganizationId.ToString(), (await TokenClaimsAsync(token)).GetProperty("org_id").GetString());
    }
}
