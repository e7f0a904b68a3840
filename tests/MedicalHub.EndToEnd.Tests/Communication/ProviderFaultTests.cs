using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.Communication.CommunicationClient;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// The running service's delivery engine against HTTP providers that fail: SendGrid-type providers whose API is a
/// WireMock.Net fake in this process (<see cref="HttpProviderFakes"/>), put in each test's own organization's e-mail
/// routing. The fakes record every call (recipient, attempt id, arrival, answer), so "nothing sent twice" is counted
/// where it matters: at the provider.
/// </summary>
public sealed class ProviderFaultTests(StackFixture stack) : IDisposable
{
    private static readonly FakeSendGrid A = HttpProviderFakes.Primary;
    private static readonly FakeSendGrid B = HttpProviderFakes.Secondary;

    private readonly CommunicationClient _client = new(stack);
    private readonly string _domain = HttpProviderFakes.NewDomain();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_provider_answering_500_is_retried_with_backoff_then_failed_over_and_the_next_provider_sends_once()
    {
        A.Answer(_domain, new FakeAnswer(500));
        B.Answer(_domain, FakeAnswer.Accepted);
        var admin = await OrganizationRoutingEmailToAsync(A, B);
        var to = Recipient("ana");

        var id = await _client.NotifyAsync(admin, Email(to));

        var email = Channel(await _client.WaitForAsync(admin, id, StatusIs("sent")), "email");
        var attempts = AttemptLog(email);
        Assert.Equal([A.Name, A.Name, B.Name], attempts.Select(a => a.GetProperty("provider").GetString()));
        Assert.Equal(["transient-failure", "transient-failure", "sent"], attempts.Select(a => a.GetProperty("outcome").GetString()));
        Assert.All(attempts.Take(2), a => Assert.StartsWith("500", a.GetProperty("error").GetString(), StringComparison.Ordinal));
        // The retry on A waited (backoff is at least half the first retry delay); the move to B did not spend a retry.
        Assert.True(Start(attempts[1]) - Finish(attempts[0]) >= CommunicationStackSettings.FirstRetryDelay / 2,
            $"the retry started {(Start(attempts[1]) - Finish(attempts[0])).TotalMilliseconds} ms after the failure");

        var aCalls = A.CallsFor(_domain);
        var bCall = Assert.Single(B.CallsFor(_domain));
        Assert.Equal(2, aCalls.Count);
        Assert.All(aCalls.Append(bCall), c =>
        {
            Assert.Equal(FakeSendGrid.MailSendPath, c.Path);
            Assert.Equal(to, c.Recipient);
            Assert.Equal(id, c.NotificationId);
        });
        Assert.All(aCalls, c => Assert.Equal($"Bearer {A.ApiKey}", c.Authorization));
        Assert.Equal($"Bearer {B.ApiKey}", bCall.Authorization);
        // Each call is the attempt the service recorded, under its own attempt id.
        Assert.Equal(attempts.Select(a => a.GetProperty("id").GetGuid()), aCalls.Append(bCall).Select(c => c.AttemptId));
        Assert.Equal(B.Name, email.GetProperty("provider").GetString());
        Assert.Equal(bCall.MessageId, email.GetProperty("providerMessageId").GetString());
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        const int retryAfterSeconds = 2; // longer than any backoff of the test stack (MaxRetryDelay), so only the header explains the wait
        A.Answer(_domain, n => n == 0 ? new FakeAnswer(429, RetryAfterSeconds: retryAfterSeconds) : FakeAnswer.Accepted);
        var admin = await OrganizationRoutingEmailToAsync(A);
        var to = Recipient("throttled");

        var id = await _client.NotifyAsync(admin, Email(to));

        var email = Channel(await _client.WaitForAsync(admin, id, StatusIs("sent")), "email");
        var attempts = AttemptLog(email);
        Assert.Equal(["transient-failure", "sent"], attempts.Select(a => a.GetProperty("outcome").GetString()));
        Assert.StartsWith("429", attempts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(CommunicationStackSettings.MaxRetryDelay < TimeSpan.FromSeconds(retryAfterSeconds));
        var waited = Start(attempts[1]) - Finish(attempts[0]);
        Assert.True(waited >= TimeSpan.FromSeconds(retryAfterSeconds), $"the retry started {waited.TotalMilliseconds} ms after the 429");

        var calls = A.CallsFor(_domain);
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].ArrivedAt - calls[0].ArrivedAt >= TimeSpan.FromSeconds(retryAfterSeconds));
        Assert.Single(calls, c => c.Answer.IsSend);
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_within_its_timeout_is_retried_then_failed_over()
    {
        var impatient = HttpProviderFakes.Impatient;
        // Answers only long after the provider's timeout, and then that it could not do it: the call never sent anything.
        impatient.Answer(_domain, new FakeAnswer(504, Delay: impatient.Timeout * 4));
        B.Answer(_domain, FakeAnswer.Accepted);
        var admin = await OrganizationRoutingEmailToAsync(impatient, B);
        var to = Recipient("timeout");

        var id = await _client.NotifyAsync(admin, Email(to));

        var email = Channel(await _client.WaitForAsync(admin, id, StatusIs("sent")), "email");
        var attempts = AttemptLog(email);
        Assert.Equal([impatient.Name, impatient.Name, B.Name], attempts.Select(a => a.GetProperty("provider").GetString()));
        Assert.All(attempts.Take(2), a =>
        {
            Assert.Equal("transient-failure", a.GetProperty("outcome").GetString());
            Assert.Contains("did not answer within", a.GetProperty("error").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(2, impatient.CallsFor(_domain).Count);
        Assert.Equal(id, Assert.Single(B.CallsFor(_domain)).NotificationId);
    }

    [Fact]
    public async Task When_every_provider_keeps_failing_the_delivery_is_dead_lettered_after_the_last_attempt_having_sent_nothing()
    {
        A.Answer(_domain, new FakeAnswer(500));
        B.Answer(_domain, new FakeAnswer(503));
        var admin = await OrganizationRoutingEmailToAsync(A, B);
        var to = Recipient("unlucky");

        var id = await _client.NotifyAsync(admin, Email(to));

        var failed = await _client.WaitForAsync(admin, id, StatusIs("failed"));
        var email = Channel(failed, "email");
        Assert.Equal("failed", email.GetProperty("status").GetString());
        Assert.StartsWith("503", email.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, email.GetProperty("nextAttemptAt").ValueKind);
        var attempts = AttemptLog(email);
        Assert.Equal(CommunicationStackSettings.MaxAttempts, attempts.Count);
        Assert.Equal([A.Name, A.Name, B.Name, B.Name], attempts.Select(a => a.GetProperty("provider").GetString()));
        Assert.All(attempts, a => Assert.Equal("transient-failure", a.GetProperty("outcome").GetString()));

        // The providers saw exactly the recorded attempts, each once, and accepted none.
        var calls = A.CallsFor(_domain).Concat(B.CallsFor(_domain)).OrderBy(c => c.ArrivedAt).ToList();
        Assert.Equal(attempts.Select(a => a.GetProperty("id").GetGuid()), calls.Select(c => c.AttemptId));
        Assert.DoesNotContain(calls, c => c.Answer.IsSend);
    }

    [Fact]
    public async Task A_permanent_refusal_fails_the_delivery_at_once_without_failover()
    {
        A.Answer(_domain, new FakeAnswer(400));
        B.Answer(_domain, FakeAnswer.Accepted);
        var admin = await OrganizationRoutingEmailToAsync(A, B);

        var id = await _client.NotifyAsync(admin, Email(Recipient("refused")));

        var email = Channel(await _client.WaitForAsync(admin, id, StatusIs("failed")), "email");
        var attempt = Assert.Single(AttemptLog(email));
        Assert.Equal("permanent-failure", attempt.GetProperty("outcome").GetString());
        Assert.Single(A.CallsFor(_domain));
        Assert.Empty(B.CallsFor(_domain));
    }

    [Fact]
    public async Task Many_notifications_sent_while_a_provider_flaps_are_each_delivered_exactly_once()
    {
        // A answers in turn: accepted, 500, 429 (retry after 1 s). B always accepts.
        A.Answer(_domain, n => (n % 3) switch
        {
            0 => FakeAnswer.Accepted,
            1 => new FakeAnswer(500),
            _ => new FakeAnswer(429, RetryAfterSeconds: 1),
        });
        B.Answer(_domain, FakeAnswer.Accepted);
        var admin = await OrganizationRoutingEmailToAsync(A, B);
        var recipients = Enumerable.Range(0, 40).Select(i => Recipient($"patient{i}")).ToList();

        // All at once, so the engine claims them in batches and calls the providers in parallel. The idempotency keys
        // make a repeated POST (the test client's own retries) harmless.
        var ids = await Task.WhenAll(recipients.Select(to => _client.NotifyAsync(admin, Email(to), idempotencyKey: to)));

        var channels = new List<JsonElement>();
        foreach (var id in ids)
        {
            channels.Add(Channel(await _client.WaitForAsync(admin, id, StatusIs("sent")), "email"));
        }

        var calls = A.CallsFor(_domain).Concat(B.CallsFor(_domain)).ToList();
        for (var i = 0; i < recipients.Count; i++)
        {
            var mine = calls.Where(c => c.Recipient == recipients[i]).OrderBy(c => c.ArrivedAt).ToList();
            var sends = mine.Where(c => c.Answer.IsSend).ToList();
            Assert.True(sends.Count == 1, $"{recipients[i]} was sent {sends.Count} times");
            Assert.Equal(ids[i], sends[0].NotificationId);
            // Every call is a recorded attempt and the last call is the send; no call was made after it.
            var attempts = AttemptLog(channels[i]);
            Assert.Equal(attempts.Select(a => a.GetProperty("id").GetGuid()).Order(), mine.Select(c => c.AttemptId).Order());
            Assert.Equal(sends[0].AttemptId, mine[^1].AttemptId);
            Assert.Equal(sends[0].MessageId, channels[i].GetProperty("providerMessageId").GetString());
        }
        // The flapping really happened: A both failed and sent, and failures moved some deliveries to B.
        Assert.Contains(calls, c => c.Provider == A.Name && c.Answer.IsSend);
        Assert.Contains(calls, c => c.Provider == A.Name && c.Answer.Status == 500);
        Assert.Contains(calls, c => c.Provider == A.Name && c.Answer.Status == 429);
        Assert.Contains(calls, c => c.Provider == B.Name);
    }

    private string Recipient(string name) => $"{name}@{_domain}";

    private static object Email(string to) => new { recipient = new { email = to }, category = "appointment-reminder", subject = "Your appointment", body = "See you on Monday." };

    private async Task<Caller> OrganizationRoutingEmailToAsync(params FakeSendGrid[] providers)
    {
        var admin = await _client.NewOrganizationAdminAsync();
        using var response = await _client.SendAsync(HttpMethod.Put, "/api/notification-routing/email", admin.Token, new { providers = providers.Select(p => p.Name).ToArray() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return admin;
    }

    private static List<JsonElement> AttemptLog(JsonElement channel) => [.. channel.GetProperty("attemptLog").EnumerateArray()];

    private static DateTimeOffset Start(JsonElement attempt) => attempt.GetProperty("startedAt").GetDateTimeOffset();

    private static DateTimeOffset Finish(JsonElement attempt) => attempt.GetProperty("finishedAt").GetDateTimeOffset();
}
