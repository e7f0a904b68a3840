using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>
/// The referral saga's machinery with the services that exist: the "share" is a service call to Communication (Content's
/// sharing API is built elsewhere; the template's share step calls it, see docs/workflow.md), the notice to the receiving
/// practice goes through the outbox, the answer is awaited with a deadline, and on refusal or timeout the completed
/// steps are undone in reverse order, each once, then the patient is told.
/// </summary>
internal static class ReferralSaga
{
    public const string Definition = """
    { "start": "share", "steps": [
        { "id": "share", "type": "service-call",
          "call": { "service": "communication", "method": "POST", "path": "/api/notifications",
            "body": { "organizationId": "{{instance.organizationId}}", "recipient": { "email": "{{vars.receiver}}" }, "category": "referral",
                      "subject": "Chart shared", "body": "The chart of referral {{instance.id}} is shared with you." } },
          "compensation": { "call": { "service": "communication", "method": "POST", "path": "/api/notifications",
            "body": { "organizationId": "{{instance.organizationId}}", "recipient": { "email": "{{vars.receiver}}" }, "category": "referral",
                      "subject": "Access revoked", "body": "Access to the chart of referral {{instance.id}} is revoked." } } },
          "next": [ { "to": "notify" } ] },
        { "id": "notify", "type": "notification",
          "notification": { "to": { "kind": "email", "email": "{{vars.receiver}}" }, "category": "referral", "subject": "New referral", "body": "Please accept or refuse." },
          "compensation": { "notification": { "to": { "kind": "email", "email": "{{vars.receiver}}" }, "category": "referral", "subject": "Referral withdrawn", "body": "Withdrawn." } },
          "next": [ { "to": "await" } ] },
        { "id": "await", "type": "task", "task": { "title": "Record the answer", "role": "Receptionist", "outcomes": ["accepted", "refused"], "timeout": "PT6S" },
          "next": [ { "to": "done", "when": { "fact": "outcome", "op": "eq", "value": "accepted" } }, { "to": "undo" } ] },
        { "id": "undo", "type": "compensate", "next": [ { "to": "tell-patient" } ] },
        { "id": "tell-patient", "type": "notification",
          "notification": { "to": { "kind": "patient" }, "category": "referral", "subject": "About your referral", "body": "It could not be arranged." },
          "next": [ { "to": "not-accepted" } ] },
        { "id": "not-accepted", "type": "end", "outcome": "referral-not-accepted" },
        { "id": "done", "type": "end", "outcome": "referred" } ] }
    """;

    public static async Task<(ServiceCaller.User Admin, Guid Instance, string Receiver, string Patient)> StartAsync(WorkflowClient workflow)
    {
        var admin = await workflow.NewOrganizationAdminAsync();
        var receiver = $"cardiology.{Guid.NewGuid():N}@example.org";
        var patientEmail = $"patient.{Guid.NewGuid():N}@example.org";
        var pathway = await workflow.PublishedPathwayAsync(admin, Definition, "Referral to cardiology");
        var instance = await workflow.StartAsync(admin, pathway, await workflow.KnownPatientAsync(admin, patientEmail), new { receiver });
        return (admin, instance, receiver, patientEmail);
    }

    /// <summary>The undoing ended as it must: both compensations done once, newest step first, the patient told once, every mail once.</summary>
    public static async Task AssertUndoneAsync(WorkflowClient workflow, MailSink mail, JsonElement detail, string receiver, string patient)
    {
        Assert.Equal("referral-not-accepted", detail.GetProperty("instance").GetProperty("outcome").GetString());
        var compensations = detail.GetProperty("compensations").EnumerateArray().ToList();
        Assert.Equal(["notify", "share"], compensations.Select(c => c.GetProperty("stepId").GetString()));
        Assert.All(compensations, c => Assert.Equal("done", c.GetProperty("status").GetString()));
        Assert.True(compensations[0].GetProperty("doneAt").GetDateTimeOffset() <= compensations[1].GetProperty("doneAt").GetDateTimeOffset());
        Assert.Equal(1, compensations[1].GetProperty("attempts").GetInt32());

        var instance = detail.GetProperty("instance").GetProperty("id").GetGuid();
        Assert.Equal(2L, await workflow.ScalarAsync("SELECT count(*) FROM instance_history WHERE instance_id = @i AND action = 'compensation.done'", ("i", instance)));
        Assert.Equal(1L, await workflow.ScalarAsync("SELECT count(*) FROM step_executions WHERE instance_id = @i AND step_id = 'share'", ("i", instance)));

        var toReceiver = await mail.MessagesToAsync(receiver, atLeast: 4);
        Assert.Equal(["Access revoked", "Chart shared", "New referral", "Referral withdrawn"], toReceiver.Select(m => m.GetProperty("subject").GetString()).Order());
        Assert.Equal("About your referral", Assert.Single(await mail.MessagesToAsync(patient)).GetProperty("subject").GetString());
    }
}

public sealed class SagaTests(StackFixture stack) : IDisposable
{
    private readonly WorkflowClient _workflow = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _workflow.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task A_refused_referral_is_undone_in_reverse_order_and_the_patient_told()
    {
        var (admin, instance, receiver, patient) = await ReferralSaga.StartAsync(_workflow);
        var waiting = await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("await"));
        var answer = WorkflowClient.OpenTask(waiting).GetProperty("id").GetGuid();

        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{answer}/complete", admin.Token, new { outcome = "refused", note = "No capacity" });

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"));
        await ReferralSaga.AssertUndoneAsync(_workflow, _mail, detail, receiver, patient);
    }

    [Fact]
    public async Task An_accepted_referral_undoes_nothing()
    {
        var (admin, instance, receiver, _) = await ReferralSaga.StartAsync(_workflow);
        var waiting = await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("await"));

        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{WorkflowClient.OpenTask(waiting).GetProperty("id").GetGuid()}/complete", admin.Token, new { outcome = "accepted" });

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"));
        Assert.Equal("referred", detail.GetProperty("instance").GetProperty("outcome").GetString());
        Assert.Empty(detail.GetProperty("compensations").EnumerateArray());
        Assert.Equal(["Chart shared", "New referral"], (await _mail.MessagesToAsync(receiver, atLeast: 2)).Select(m => m.GetProperty("subject").GetString()).Order());
    }

    [Fact]
    public async Task Cancelling_with_compensation_undoes_the_completed_steps_and_ends_cancelled()
    {
        var (admin, instance, receiver, _) = await ReferralSaga.StartAsync(_workflow);
        await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("await"));

        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/cancel", admin.Token, new { compensate = true, reason = "Patient declined" });

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("cancelled"));
        Assert.Equal(["notify", "share"], detail.GetProperty("compensations").EnumerateArray().Select(c => c.GetProperty("stepId").GetString()));
        Assert.Equal("cancelled", Assert.Single(detail.GetProperty("tasks").EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal(["Access revoked", "Chart shared", "New referral", "Referral withdrawn"],
            (await _mail.MessagesToAsync(receiver, atLeast: 4)).Select(m => m.GetProperty("subject").GetString()).Order());
    }
}

/// <summary>Runs alone: it kills the suite's Workflow service (every instance) or its PostgreSQL server.</summary>
[CollectionDefinition(nameof(WorkflowRestartGroup), DisableParallelization = true)]
public sealed class WorkflowRestartGroup;

[Collection(nameof(WorkflowRestartGroup))]
public sealed class SagaRestartTests(StackFixture stack) : IDisposable
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
    public async Task Workflow_killed_while_the_saga_waits_finishes_it_after_a_restart_with_every_step_and_compensation_once()
    {
        var (admin, instance, receiver, patient) = await ReferralSaga.StartAsync(_workflow);
        await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("await"));
        // The deadline of the answer falls while the service is down.
        var deadline = new DateTimeOffset((DateTime)(await _workflow.ScalarAsync("SELECT due_at FROM work_items WHERE instance_id = @i AND kind = 'timeout'", ("i", instance)))!, TimeSpan.Zero);

        await KillWorkflowAsync();
        try
        {
            var untilDue = deadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
            if (untilDue > TimeSpan.Zero)
            {
                await Task.Delay(untilDue, Ct);
            }
        }
        finally
        {
            await RestartWorkflowAsync(); // whatever happened, leave the suite's Workflow running
        }

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"), 60);
        Assert.Equal("timeout", WorkflowClient.Step(detail, "await").GetProperty("outcome").GetString());
        await ReferralSaga.AssertUndoneAsync(_workflow, _mail, detail, receiver, patient);
    }

    [Fact]
    public async Task Workflow_killed_between_the_share_and_its_notice_goes_on_after_a_restart_without_sharing_twice()
    {
        var (admin, instance, receiver, patient) = await ReferralSaga.StartAsync(_workflow);
        // Kill as soon as the share call is recorded (its notice queued in the same commit, perhaps not yet relayed).
        for (var i = 0; i < 300 && await _workflow.ScalarAsync("SELECT count(*) FROM step_executions WHERE instance_id = @i AND step_id = 'share' AND status = 'Completed'", ("i", instance)) is 0L; i++)
        {
            await Task.Delay(20, Ct);
        }
        await KillWorkflowAsync();
        await RestartWorkflowAsync();

        // The answer is refused, unless its deadline passed during the restart (a busy machine): undone either way.
        var waiting = await _workflow.WaitForAsync(admin, instance, d => d.GetProperty("steps").EnumerateArray().Any(s => s.GetProperty("stepId").GetString() == "await"), 60);
        var answer = waiting.GetProperty("tasks").EnumerateArray().Single().GetProperty("id").GetGuid();
        using (var refused = await _workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{answer}/complete", admin.Token, new { outcome = "refused" }))
        {
            Assert.True(refused.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.Conflict, $"{refused.StatusCode}");
        }
        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"), 60);
        Assert.True(WorkflowClient.Step(detail, "await").GetProperty("outcome").GetString() is "refused" or "timeout");
        await ReferralSaga.AssertUndoneAsync(_workflow, _mail, detail, receiver, patient);
    }

    /// <summary>A crash of the whole service: every instance (the suite runs two), else the other one carries the saga on and the test proves nothing about a restart.</summary>
    private async Task KillWorkflowAsync()
    {
        foreach (var instance in WorkflowUnderTest.Instances)
        {
            await ServiceProcesses.KillAsync(stack, instance);
        }
    }

    private async Task RestartWorkflowAsync()
    {
        foreach (var instance in WorkflowUnderTest.Instances)
        {
            await ServiceProcesses.StartAsync(stack, instance);
        }
    }
}
