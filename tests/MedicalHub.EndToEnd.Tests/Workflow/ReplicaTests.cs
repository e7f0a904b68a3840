using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>
/// Two Workflow instances on one database (<see cref="WorkflowUnderTest.Instances"/>), each running the engine: due work is
/// shared between them and every timer fires once, every step runs once, whichever replica takes it or serves the request.
/// </summary>
public sealed class ReplicaTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly WorkflowClient _first = new(stack, WorkflowUnderTest.Name);
    private readonly WorkflowClient _second = new(stack, WorkflowUnderTest.SecondInstance);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task Timers_due_together_fire_once_each_while_both_replicas_poll_for_them()
    {
        const int timers = 200;
        var admin = await _first.NewOrganizationAdminAsync();
        var pathway = await _first.PublishedPathwayAsync(admin, """
            { "start": "wait", "steps": [ { "id": "wait", "type": "timer", "timer": { "at": "vars.dueAt" }, "next": [ { "to": "done" } ] }, { "id": "done", "type": "end" } ] }
            """);
        var patients = await KnownPatientsAsync(_first, admin, timers); // a bulk start names each patient once
        // Due evenly over four seconds, from four seconds on: both engines poll while they fall due.
        var firstDue = DateTimeOffset.UtcNow.AddSeconds(4);
        var chunk = Enumerable.Range(0, timers)
            .Select(i => new { patientId = patients[i], variables = new { dueAt = firstDue.AddMilliseconds(4000.0 * i / timers) } }).ToArray();
        var started = await _second.OkJsonAsync(HttpMethod.Post, "/api/pathway-instances/bulk", admin.Token, new { pathwayId = pathway, patients = chunk });
        Assert.Equal(timers, started.GetProperty("started").GetInt32());

        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (await CountAsync("SELECT count(*) FROM pathway_instances WHERE pathway_id = @p AND status = 'Completed'", pathway) < timers && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250, Ct);
        }

        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("workflowdb"));
        await db.OpenAsync(Ct);
        await using var stats = new NpgsqlCommand("""
            SELECT count(*), count(DISTINCT s.instance_id), count(*) FILTER (WHERE s.status = 'Completed'),
                   count(*) FILTER (WHERE s.ended_at < (s.result->>'dueAt')::timestamptz)
            FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id
            WHERE i.pathway_id = @p AND s.step_id = 'wait'
            """, db);
        stats.Parameters.AddWithValue("p", pathway);
        await using var r = await stats.ExecuteReaderAsync(Ct);
        await r.ReadAsync(Ct);
        Assert.Equal(timers, r.GetInt64(0));          // one run of the timer step per instance: none fired twice
        Assert.Equal(timers, r.GetInt64(1));
        Assert.Equal(timers, r.GetInt64(2));          // all fired
        Assert.Equal(0L, r.GetInt64(3));              // none before it was due
        // Which replica fires which timer is the engines' race: on a loaded machine one pass of one engine may claim them
        // all (a batch takes up to 500), so the share is not asserted; that none fired twice while both polled is.
        await r.DisposeAsync();
        Assert.Equal(timers, await CountAsync("SELECT count(*) FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id WHERE i.pathway_id = @p AND s.step_id = 'done'", pathway));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM work_items w JOIN pathway_instances i ON i.id = w.instance_id WHERE i.pathway_id = @p", pathway));
    }

    [Fact]
    public async Task Steps_run_once_when_both_replicas_start_complete_and_carry_out_the_same_instances()
    {
        const int count = 8;
        var admin = await _first.NewOrganizationAdminAsync();
        var pathway = await _first.PublishedPathwayAsync(admin, """
            { "start": "triage", "steps": [
                { "id": "triage", "type": "task", "task": { "title": "Triage", "role": "Nurse" }, "next": [ { "to": "call" } ] },
                { "id": "call", "type": "service-call", "call": { "service": "communication", "method": "POST", "path": "/api/notifications",
                    "body": { "organizationId": "{{instance.organizationId}}", "recipient": { "email": "{{vars.to}}" }, "category": "care-pathway",
                              "subject": "Called", "body": "From a service-call step" } }, "next": [ { "to": "tell" } ] },
                { "id": "tell", "type": "notification",
                  "notification": { "to": { "kind": "email", "email": "{{vars.to}}" }, "subject": "Told", "body": "From a notification step" },
                  "next": [ { "to": "pause" } ] },
                { "id": "pause", "type": "timer", "timer": { "after": "PT1S" }, "next": [ { "to": "done" } ] },
                { "id": "done", "type": "end", "outcome": "finished" } ] }
            """);
        var patient = await _first.KnownPatientAsync(admin);
        var runs = new List<(Guid Instance, string To, WorkflowClient Completer)>();
        for (var i = 0; i < count; i++)
        {
            // Started on one replica, its task completed on the other.
            var (starter, completer) = i % 2 == 0 ? (_first, _second) : (_second, _first);
            var to = $"replica.{Guid.NewGuid():N}@example.org";
            runs.Add((await starter.StartAsync(admin, pathway, patient, new { to }), to, completer));
        }

        await Task.WhenAll(runs.Select(async run =>
        {
            var task = WorkflowClient.OpenTask(await run.Completer.InstanceAsync(admin, run.Instance)).GetProperty("id").GetGuid();
            await run.Completer.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", admin.Token, new { outcome = "done" });
        }));

        foreach (var (instance, to, _) in runs)
        {
            var detail = await _second.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"), 60);
            Assert.Equal("finished", detail.GetProperty("instance").GetProperty("outcome").GetString());
            Assert.Equal(["call", "done", "pause", "tell", "triage"], detail.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("stepId").GetString()).Order());
            Assert.Equal(1, WorkflowClient.Step(detail, "call").GetProperty("attempts").GetInt32());
            Assert.Equal(["Called", "Told"], (await _mail.MessagesToAsync(to, atLeast: 2)).Select(m => m.GetProperty("subject").GetString()).Order());
        }
        // No late duplicate: the outbox relays of both replicas left one notification per step.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        foreach (var (_, to, _) in runs)
        {
            Assert.Equal(2, (await _mail.MessagesToAsync(to, atLeast: 2)).Count);
        }
        Assert.Equal(count, await CountAsync("SELECT count(*) FROM sent_notifications n JOIN pathway_instances i ON i.id = n.instance_id WHERE i.pathway_id = @p", pathway));
    }

    private async Task<long> CountAsync(string sql, Guid pathway) => (long)(await _first.ScalarAsync(sql, ("p", pathway)))!;

    /// <summary><paramref name="count"/> patients Content told Workflow about, eight events at a time.</summary>
    internal static async Task<List<Guid>> KnownPatientsAsync(WorkflowClient workflow, ServiceCaller.User admin, int count)
    {
        await workflow.ServiceTokenAsync("content"); // cached before the parallel calls read it
        var patients = new List<Guid>();
        foreach (var batch in Enumerable.Range(0, count).Chunk(8))
        {
            patients.AddRange(await Task.WhenAll(batch.Select(_ => workflow.KnownPatientAsync(admin))));
        }
        return patients;
    }
}
