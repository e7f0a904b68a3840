using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>
/// Workflow's PostgreSQL server killed while both engines fire timers and carry instances on: nothing is lost and nothing
/// runs twice once it is back. Runs alone (the restart group): every Workflow request fails while the server is down.
/// </summary>
[Collection(nameof(WorkflowRestartGroup))]
public sealed class DatabaseOutageTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly WorkflowClient _workflow = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _workflow.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task Postgres_killed_while_timers_fire_loses_no_step_and_runs_none_twice()
    {
        const int count = 60;
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "wait", "steps": [
                { "id": "wait", "type": "timer", "timer": { "at": "vars.dueAt" }, "next": [ { "to": "tell" } ] },
                { "id": "tell", "type": "notification",
                  "notification": { "to": { "kind": "email", "email": "{{vars.to}}" }, "subject": "Your results", "body": "Please book a review." },
                  "next": [ { "to": "review" } ] },
                { "id": "review", "type": "task", "task": { "title": "Review", "role": "Nurse" } } ] }
            """);
        var patients = await ReplicaTests.KnownPatientsAsync(_workflow, admin, count);
        // Due over eight seconds from three seconds on: the server dies while the engines are firing them.
        var firstDue = DateTimeOffset.UtcNow.AddSeconds(3);
        var addresses = Enumerable.Range(0, count).Select(_ => $"outage.{Guid.NewGuid():N}@example.org").ToList();
        var started = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/pathway-instances/bulk", admin.Token, new
        {
            pathwayId = pathway,
            patients = addresses.Select((to, i) => new { patientId = patients[i], variables = new { to, dueAt = firstDue.AddMilliseconds(8000.0 * i / count) } }),
        });
        Assert.Equal(count, started.GetProperty("started").GetInt32());

        var before = await stack.ConnectionStringAsync(WorkflowUnderTest.PostgresServer);
        for (var i = 0; i < 200 && await FiredAsync(pathway) < 5; i++)
        {
            await Task.Delay(50, Ct);
        }
        var firedBeforeTheCrash = await FiredAsync(pathway);
        Assert.InRange(firedBeforeTheCrash, 5, count - 10); // the crash comes mid-run, with timers fired and timers still to fire

        await ServiceProcesses.KillAsync(stack, WorkflowUnderTest.PostgresServer);
        try
        {
            // Down past the last due time: every timer left falls due while the engines cannot reach their database.
            var untilLast = firstDue.AddSeconds(9) - DateTimeOffset.UtcNow;
            if (untilLast > TimeSpan.Zero)
            {
                await Task.Delay(untilLast, Ct);
            }
        }
        finally
        {
            await StartPostgresAsync();
        }
        Assert.Equal(before, await stack.ConnectionStringAsync(WorkflowUnderTest.PostgresServer)); // the services' connection strings still hold
        NpgsqlConnection.ClearAllPools(); // the test's own pooled connections died with the server

        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (await AtReviewAsync(pathway) < count && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250, Ct);
        }
        Assert.Equal(count, await AtReviewAsync(pathway));
        foreach (var step in new[] { "wait", "tell", "review" })
        {
            // Exactly one run of each step per instance: none lost, none twice.
            Assert.Equal(count, await CountAsync($"SELECT count(*) FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id WHERE i.pathway_id = @p AND s.step_id = '{step}'", pathway));
            Assert.Equal(count, await CountAsync($"SELECT count(DISTINCT s.instance_id) FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id WHERE i.pathway_id = @p AND s.step_id = '{step}'", pathway));
        }
        Assert.Equal(count, await CountAsync("SELECT count(*) FROM tasks t JOIN pathway_instances i ON i.id = t.instance_id WHERE i.pathway_id = @p", pathway));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM work_items w JOIN pathway_instances i ON i.id = w.instance_id WHERE i.pathway_id = @p AND w.kind = 'timer'", pathway));
        Assert.Equal(count, await CountAsync("SELECT count(*) FROM sent_notifications n JOIN pathway_instances i ON i.id = n.instance_id WHERE i.pathway_id = @p", pathway));
        // Each patient notice reached Communication and the mailbox once (the outbox relay also lived through the outage).
        foreach (var to in addresses)
        {
            Assert.Single(await _mail.MessagesToAsync(to));
        }

        // The service answers again, through either replica.
        using var second = new WorkflowClient(stack, WorkflowUnderTest.SecondInstance);
        var detail = await second.InstanceAsync(admin, started.GetProperty("instances")[0].GetProperty("instanceId").GetGuid());
        Assert.Equal("review", detail.GetProperty("instance").GetProperty("currentStepId").GetString());
    }

    /// <summary>Starts the killed server again (Aspire's start command) and waits until it and Workflow's database are healthy.</summary>
    private async Task StartPostgresAsync()
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == WorkflowUnderTest.PostgresServer);
        var started = await stack.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(model, KnownResourceCommands.StartCommand, Ct);
        Assert.True(started.Success, started.Message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(WorkflowUnderTest.PostgresServer, timeout.Token);
    }

    private Task<long> FiredAsync(Guid pathway) =>
        CountAsync("SELECT count(*) FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id WHERE i.pathway_id = @p AND s.step_id = 'wait' AND s.status = 'Completed'", pathway);

    private Task<long> AtReviewAsync(Guid pathway) =>
        CountAsync("SELECT count(*) FROM pathway_instances WHERE pathway_id = @p AND current_step_id = 'review'", pathway);

    private async Task<long> CountAsync(string sql, Guid pathway) => (long)(await _workflow.ScalarAsync(sql, ("p", pathway)))!;
}
