using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.Communication.CommunicationClient;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// The delivery engine against a provider that fails: an SMTP provider pointed at a closed port (configured for the suite,
/// see <see cref="CommunicationStackSettings"/>), put first in one organization's e-mail routing.
/// </summary>
public sealed class DeliveryEngineTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CommunicationClient _client = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _client.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task A_provider_that_keeps_failing_is_retried_then_the_delivery_is_dead_lettered_with_every_attempt_recorded()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        await SetEmailRoutingAsync(admin, CommunicationStackSettings.UnreachableSmtpProvider);
        var to = $"nobody.{Guid.NewGuid():N}@example.org";

        var id = await _client.NotifyAsync(admin, new { recipient = new { email = to }, category = "document-shared", subject = "Lost?", body = "Never." });

        var failed = await _client.WaitForAsync(admin, id, StatusIs("failed"));
        var email = Channel(failed, "email");
        Assert.Equal("failed", email.GetProperty("status").GetString());
        Assert.Equal(CommunicationStackSettings.MaxAttempts, email.GetProperty("attempts").GetInt32());
        var attempts = email.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal(CommunicationStackSettings.MaxAttempts, attempts.Count);
        Assert.All(attempts, a =>
        {
            Assert.Equal(CommunicationStackSettings.UnreachableSmtpProvider, a.GetProperty("provider").GetString());
            Assert.Equal("transient-failure", a.GetProperty("outcome").GetString());
            Assert.False(string.IsNullOrEmpty(a.GetProperty("error").GetString()));
        });
        // Each retry waited: attempts do not overlap and come in order.
        for (var i = 1; i < attempts.Count; i++)
        {
            Assert.True(attempts[i].GetProperty("startedAt").GetDateTimeOffset() >= attempts[i - 1].GetProperty("finishedAt").GetDateTimeOffset());
        }
        Assert.Empty(await _mail.MessagesToAsync(to, atLeast: 0));
    }

    [Fact]
    public async Task After_repeated_failures_the_next_provider_of_the_channel_delivers_once()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        await SetEmailRoutingAsync(admin, CommunicationStackSettings.UnreachableSmtpProvider, "smtp");
        var to = $"failover.{Guid.NewGuid():N}@example.org";

        var id = await _client.NotifyAsync(admin, new { recipient = new { email = to }, category = "document-shared", subject = "Failover", body = "Delivered anyway." });

        var sent = await _client.WaitForAsync(admin, id, StatusIs("sent"));
        var email = Channel(sent, "email");
        Assert.Equal("smtp", email.GetProperty("provider").GetString());
        var attempts = email.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal(CommunicationStackSettings.FailoverAfter + 1, attempts.Count);
        Assert.All(attempts.Take(CommunicationStackSettings.FailoverAfter), a => Assert.Equal(CommunicationStackSettings.UnreachableSmtpProvider, a.GetProperty("provider").GetString()));
        Assert.Equal("smtp", attempts[^1].GetProperty("provider").GetString());
        Assert.Equal("sent", attempts[^1].GetProperty("outcome").GetString());
        Assert.Single(await _mail.MessagesToAsync(to));
    }

    [Fact]
    public async Task A_provider_s_rate_limit_spreads_its_calls_over_time_and_loses_nothing()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        await SetEmailRoutingAsync(admin, CommunicationStackSettings.ThrottledSmtpProvider);
        var recipients = Enumerable.Range(0, 3).Select(_ => $"throttled.{Guid.NewGuid():N}@example.org").ToList();

        var ids = new List<Guid>();
        foreach (var to in recipients)
        {
            ids.Add(await _client.NotifyAsync(admin, new { recipient = new { email = to }, category = "document-shared", subject = "Throttled", body = "x" }));
        }

        var starts = new List<DateTimeOffset>();
        foreach (var id in ids)
        {
            var email = Channel(await _client.WaitForAsync(admin, id, StatusIs("sent")), "email");
            // Waiting for the limit spends no attempt.
            var attempt = Assert.Single(email.GetProperty("attemptLog").EnumerateArray());
            starts.Add(attempt.GetProperty("startedAt").GetDateTimeOffset());
        }
        // One call per one-second window: three calls span at least two window boundaries (unthrottled, they start together).
        Assert.True(starts.Max() - starts.Min() >= TimeSpan.FromSeconds(1), $"calls started at {string.Join(", ", starts.Order().Select(s => s.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)))}");
        foreach (var to in recipients)
        {
            Assert.Single(await _mail.MessagesToAsync(to));
        }
    }

    [Fact]
    public async Task Routing_accepts_only_configured_providers_of_the_channel_and_is_per_organization()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        using (var unknown = await _client.SendAsync(HttpMethod.Put, "/api/notification-routing/email", admin.Token, new { providers = new List<string> { "carrier-pigeon" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }
        await SetEmailRoutingAsync(admin, CommunicationStackSettings.UnreachableSmtpProvider);

        var other = await _client.NewOrganizationAdminAsync();
        using var otherRouting = await _client.SendAsync(HttpMethod.Get, "/api/notification-routing/email", other.Token);
        var view = await otherRouting.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(view.GetProperty("isDefault").GetBoolean());
        Assert.Equal("smtp", Assert.Single(view.GetProperty("providers").EnumerateArray()).GetString());
    }

    private async Task SetEmailRoutingAsync(Caller admin, params string[] providers)
    {
        using var response = await _client.SendAsync(HttpMethod.Put, "/api/notification-routing/email", admin.Token, new { providers });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
