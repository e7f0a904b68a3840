using System.Net;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;
using static MedicalHub.EndToEnd.Tests.Communication.CommunicationClient;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>Stopping the service may not lose anything it accepted. Runs alone: it stops the suite's Communication service.</summary>
[CollectionDefinition(nameof(CommunicationRestartGroup), DisableParallelization = true)]
public sealed class CommunicationRestartGroup;

[Collection(nameof(CommunicationRestartGroup))]
public sealed class DeliveryRestartTests(StackFixture stack) : IDisposable
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
    public async Task Work_in_flight_and_due_while_the_service_is_down_is_delivered_once_after_a_restart_with_the_same_attempt_id()
    {
        // Notifications that fall due while the service is down...
        var scheduler = await _client.NewOrganizationAdminAsync();
        var dueTo = Enumerable.Range(0, 5).Select(_ => $"due.{Guid.NewGuid():N}@example.org").ToList();
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(6);
        var due = new List<Guid>();
        foreach (var to in dueTo)
        {
            due.Add(await _client.NotifyAsync(scheduler, new { recipient = new { email = to }, category = "appointment-reminder", subject = "Due while down", body = "x", sendAt = dueAt }));
        }

        // ...and one caught in the middle of a provider call (its provider never answers).
        var admin = await _client.NewOrganizationAdminAsync();
        await SetEmailRoutingAsync(admin, CommunicationStackSettings.StallingSmtpProvider);
        var stuckTo = $"stuck.{Guid.NewGuid():N}@example.org";
        var stuck = await _client.NotifyAsync(admin, new { recipient = new { email = stuckTo }, category = "document-shared", subject = "In flight", body = "x" });
        var attemptInFlight = await AttemptInFlightAsync(stuck);

        // A crash, not a shutdown: every instance is killed, whichever is in the middle of the provider call.
        foreach (var instance in CommunicationUnderTest.Instances)
        {
            await ServiceProcesses.KillAsync(stack, instance);
        }
        // While it is down, the operator routes the organization's e-mail to a provider that works.
        await ExecuteAsync("UPDATE channel_routings SET providers = ARRAY['smtp'] WHERE organization_id = @org", ("org", admin.OrganizationId));
        var untilDue = dueAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (untilDue > TimeSpan.Zero)
        {
            await Task.Delay(untilDue, Ct); // past the scheduled time, with nobody to send
        }

        foreach (var instance in CommunicationUnderTest.Instances)
        {
            await ServiceProcesses.StartAsync(stack, instance);
        }

        foreach (var (id, to) in due.Zip(dueTo))
        {
            await _client.WaitForAsync(scheduler, id, StatusIs("sent"));
            Assert.Single(await _mail.MessagesToAsync(to));
        }

        // The abandoned call's lease runs out; the delivery is taken over with the same attempt id (the provider's
        // idempotency key) and goes out through the route now in force.
        var recovered = await _client.WaitForAsync(admin, stuck, StatusIs("sent"));
        var attempt = Assert.Single(Channel(recovered, "email").GetProperty("attemptLog").EnumerateArray());
        Assert.Equal(attemptInFlight, attempt.GetProperty("id").GetGuid());
        Assert.Equal("smtp", attempt.GetProperty("provider").GetString());
        Assert.Single(await _mail.MessagesToAsync(stuckTo));
    }

    /// <summary>Waits until the engine is inside the provider call for the notification's e-mail and returns that call's attempt id.</summary>
    private async Task<Guid> AttemptInFlightAsync(Guid notificationId)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("communicationdb"));
        await db.OpenAsync(Ct);
        for (var i = 0; i < 100; i++)
        {
            await using var query = new NpgsqlCommand("SELECT current_attempt_id FROM deliveries WHERE notification_id = @id AND status = 'Sending'", db);
            query.Parameters.AddWithValue("id", notificationId);
            if (await query.ExecuteScalarAsync(Ct) is Guid attemptId)
            {
                return attemptId;
            }
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The delivery was never claimed.");
        return Guid.Empty;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("communicationdb"));
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    private async Task SetEmailRoutingAsync(Caller admin, params string[] providers)
    {
        using var response = await _client.SendAsync(HttpMethod.Put, "/api/notification-routing/email", admin.Token, new { providers });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
