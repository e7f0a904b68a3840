using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.Communication.CommunicationClient;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>The idempotency key under concurrent duplicates: the unique index decides, one notification, one e-mail.</summary>
public sealed class IdempotencyTests(StackFixture stack) : IDisposable
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
    public async Task Concurrent_requests_with_one_key_store_one_notification_and_send_one_email()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var to = $"patient.{Guid.NewGuid():N}@example.org";
        var key = Guid.NewGuid().ToString();
        var body = new { recipient = new { email = to }, category = "appointment-reminder", subject = "Your appointment", body = "Tomorrow at 9:00." };

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, body, key);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (Id: (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid(),
                Replayed: response.Headers.Contains("Idempotent-Replayed"));
        }));

        var id = Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.Single(answers, a => !a.Replayed);
        await _client.WaitForAsync(admin, id, StatusIs("sent"));
        Assert.Single(await _mail.MessagesToAsync(to));
        using var list = await _client.SendAsync(HttpMethod.Get, $"/api/notifications?recipient={Uri.EscapeDataString(to)}", admin.Token);
        Assert.Equal(1, (await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("total").GetInt32());
    }
}
