using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// A service's client-credentials token acts for no organization: it sees an organization's notifications only when it
/// names that organization, and nothing otherwise (not everything).
/// </summary>
public sealed class OrganizationScopeTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CommunicationClient _client = new(stack);
    private readonly ServiceCaller _service = new(stack, "communication");

    public void Dispose()
    {
        _client.Dispose();
        _service.Dispose();
    }

    [Fact]
    public async Task A_service_sees_a_notification_only_by_naming_its_organization()
    {
        var owner = await _client.NewOrganizationAdminAsync();
        var to = $"patient.{Guid.NewGuid():N}@example.org";
        var id = await _client.NotifyAsync(owner, new
        {
            recipient = new { email = to }, category = "appointment-reminder", subject = "Tomorrow", body = "See you.", sendAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        // Content's client may send messages (messages:send for Communication), for no organization of its own.
        var service = await _service.ServiceTokenAsync("content", "communication");

        using (var get = await _client.SendAsync(HttpMethod.Get, $"/api/notifications/{id}", service))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
        using (var cancel = await _client.SendAsync(HttpMethod.Post, $"/api/notifications/{id}/cancel", service))
        {
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        }
        using (var named = await _client.SendAsync(HttpMethod.Get, $"/api/notifications?organizationId={owner.OrganizationId}&recipient={Uri.EscapeDataString(to)}", service))
        {
            Assert.Equal(HttpStatusCode.OK, named.StatusCode);
            var page = await named.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(id, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        }
        using (var otherOrganization = await _client.SendAsync(HttpMethod.Get, $"/api/notifications?organizationId={Guid.NewGuid()}&recipient={Uri.EscapeDataString(to)}", service))
        {
            Assert.Equal(0, (await otherOrganization.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task A_service_sends_on_behalf_of_the_organization_it_names_and_the_notification_is_that_organization_s()
    {
        var owner = await _client.NewOrganizationAdminAsync();
        var stranger = await _client.NewOrganizationAdminAsync();
        var service = await _service.ServiceTokenAsync("content", "communication");

        using var sent = await _client.SendAsync(HttpMethod.Post, "/api/notifications", service, new
        {
            organizationId = owner.OrganizationId, recipient = new { email = $"patient.{Guid.NewGuid():N}@example.org" },
            category = "document-shared", subject = "A document", body = "Shared with you.", sendAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        Assert.Equal(id, (await _client.GetAsync(owner, id)).GetProperty("id").GetGuid());
        using var strangers = await _client.SendAsync(HttpMethod.Get, $"/api/notifications/{id}", stranger.Token);
        Assert.Equal(HttpStatusCode.NotFound, strangers.StatusCode);
    }
}
