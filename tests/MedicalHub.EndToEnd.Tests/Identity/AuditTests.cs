using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class AuditTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Security_events_are_recorded_in_the_organization_s_trail_and_the_chain_verifies()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        using (await identity.PasswordGrantAsync(admin.Email, "a wrong password entirely")) { }
        var token = await identity.AccessTokenAsync(admin);

        using var response = await identity.SendAsync(HttpMethod.Get, "/api/audit-events?pageSize=50", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var actions = page.GetProperty("items").EnumerateArray().Select(e => (Action: e.GetProperty("action").GetString(), Reason: e.GetProperty("reason").GetString())).ToList();
        Assert.Equal([("login.succeeded", "pwd"), ("login.failed", "wrong password"), ("email.verified", null), ("account.registered", null)], actions);
        Assert.Equal(4, page.GetProperty("total").GetInt64());

        using var filtered = await identity.SendAsync(HttpMethod.Get, "/api/audit-events?action=login.failed", token);
        var failures = (await filtered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items");
        Assert.Equal(admin.UserId, Assert.Single(failures.EnumerateArray()).GetProperty("subjectUserId").GetGuid());

        using var verify = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/verify", token);
        var verification = await verify.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(verification.GetProperty("valid").GetBoolean());
        Assert.Equal(4, verification.GetProperty("entries").GetInt64());
    }

    [Fact]
    public async Task A_modified_row_is_found_by_verify()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var token = await identity.AccessTokenAsync(admin);
        using (await identity.PasswordGrantAsync(admin.Email, "another wrong password")) { }

        await using (var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb")))
        {
            await db.OpenAsync(Ct);
            await using var tamper = new NpgsqlCommand(
                "UPDATE audit_events SET reason = 'nothing to see' WHERE chain_id = @chain AND action = 'login.failed'", db);
            tamper.Parameters.AddWithValue("chain", admin.OrganizationId);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync(Ct));
        }

        using var verify = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/verify", token);
        var verification = await verify.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(verification.GetProperty("valid").GetBoolean());
        Assert.Equal(4, verification.GetProperty("firstBrokenSequence").GetInt64()); // registered, verified, login, then the failure
    }

    [Fact]
    public async Task An_administrator_sees_only_their_own_organization_s_trail()
    {
        using var identity = new IdentityClient(stack);
        var alice = await identity.RegisterVerifiedAsync();
        var bob = await identity.RegisterVerifiedAsync();
        var bobToken = await identity.AccessTokenAsync(bob);

        using var response = await identity.SendAsync(HttpMethod.Get, $"/api/audit-events?actor={alice.UserId}", bobToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(0, page.GetProperty("total").GetInt64());
        using var all = await identity.SendAsync(HttpMethod.Get, "/api/audit-events", bobToken);
        Assert.All((await all.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray(),
            e => Assert.Equal(bob.UserId, e.GetProperty("subjectUserId").GetGuid()));
    }

    [Fact]
    public async Task Members_without_audit_read_are_refused()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        var nurseToken = await identity.AccessTokenAsync(nurse, admin.OrganizationId);
        Assert.Equal(admin.OrganizationId.ToString(), IdentityClient.Payload(nurseToken).GetProperty("org_id").GetString());

        using var list = await identity.SendAsync(HttpMethod.Get, "/api/audit-events", nurseToken);
        using var verify = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/verify", nurseToken);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, verify.StatusCode);
    }

    [Theory]
    [InlineData("?pageSize=0")]
    [InlineData("?pageSize=100000")]
    [InlineData("?page=-1")]
    [InlineData("?page=2147483647")]
    [InlineData("?from=yesterday")]
    [InlineData("?actor=not-a-guid")]
    public async Task Bad_filters_get_a_400(string query)
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var token = await identity.AccessTokenAsync(admin);

        using var response = await identity.SendAsync(HttpMethod.Get, "/api/audit-events" + query, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
