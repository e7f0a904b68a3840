using System.Net;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary><c>GET /api/internal/organizations/{org}/members/{user}/contact</c>: how Communication reaches a user given by id.</summary>
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
}
