using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>The engine on the real stack: timers, notifications through the outbox to Communication, service calls, SLAs, sub-pathways, analytics.</summary>
public sealed class EngineTests(StackFixture stack) : IDisposable
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
    public async Task A_timer_fires_once_about_when_it_is_due()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "wait", "steps": [ { "id": "wait", "type": "timer", "timer": { "at": "vars.dueAt" }, "next": [ { "to": "done" } ] }, { "id": "done", "type": "end" } ] }
            """);
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var instance = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin), new { dueAt });

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"), 20);
        var wait = WorkflowClient.Step(detail, "wait");
        Assert.Equal("timer", wait.GetProperty("actor").GetString());
        var firedAt = wait.GetProperty("endedAt").GetDateTimeOffset();
        Assert.True(firedAt >= dueAt, $"fired at {firedAt:O}, before {dueAt:O}");
        // The figure (within 1 s under load) is the benchmark's; here only that it is not wildly late on a busy machine.
        Assert.True(firedAt - dueAt < TimeSpan.FromSeconds(10), $"fired {firedAt - dueAt} late");
        Assert.Equal(1L, await _workflow.ScalarAsync("SELECT count(*) FROM step_executions WHERE instance_id = @i AND step_id = 'wait'", ("i", instance)));
    }

    [Fact]
    public async Task A_notification_step_reaches_the_patient_through_Communication_once()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var email = $"patient.{Guid.NewGuid():N}@example.org";
        var patient = await _workflow.KnownPatientAsync(admin, email);
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "remind", "steps": [ { "id": "remind", "type": "notification",
                "notification": { "to": { "kind": "patient" }, "subject": "Your HbA1c test", "body": "Please book your test, {{vars.name}}." } } ] }
            """);

        var instance = await _workflow.StartAsync(admin, pathway, patient, new { name = "Ms Smith" });

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"));
        Assert.Equal("sent", WorkflowClient.Step(detail, "remind").GetProperty("outcome").GetString());
        var message = Assert.Single(await _mail.MessagesToAsync(email));
        Assert.Contains("Please book your test, Ms Smith.", await _mail.RawAsync(message), StringComparison.Ordinal);
        for (var i = 0; i < 50 && await _workflow.ScalarAsync("SELECT status FROM sent_notifications WHERE instance_id = @i", ("i", instance)) is "queued"; i++)
        {
            await Task.Delay(200, Ct);
        }
        Assert.Equal("accepted", await _workflow.ScalarAsync("SELECT status FROM sent_notifications WHERE instance_id = @i", ("i", instance)));

        // Communication's delivery events reach the sent notification.
        var notificationId = (Guid)(await _workflow.ScalarAsync("SELECT notification_id FROM sent_notifications WHERE instance_id = @i", ("i", instance)))!;
        await _workflow.EventAsync("communication", "delivery.delivered", admin.OrganizationId, new { notificationId, channel = "email" });
        Assert.Equal("delivered", await _workflow.ScalarAsync("SELECT status FROM sent_notifications WHERE instance_id = @i", ("i", instance)));

        // A patient without a known address: the step records why and the pathway goes on.
        var silent = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin));
        var skipped = WorkflowClient.Step(await _workflow.WaitForAsync(admin, silent, WorkflowClient.StatusIs("completed")), "remind");
        Assert.Equal("skipped", skipped.GetProperty("outcome").GetString());
        Assert.Contains("no e-mail address", skipped.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_call_step_calls_another_service_once_with_its_step_as_idempotency_key()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var to = $"call.{Guid.NewGuid():N}@example.org";
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "call", "steps": [
                { "id": "call", "type": "service-call", "call": { "service": "communication", "method": "POST", "path": "/api/notifications",
                    "body": { "organizationId": "{{instance.organizationId}}", "recipient": { "email": "{{vars.to}}" }, "category": "care-pathway",
                              "subject": "Called", "body": "From a service-call step" } },
                  "next": [ { "to": "ok", "when": { "fact": "outcome", "op": "eq", "value": "succeeded" } }, { "to": "ko" } ] },
                { "id": "ok", "type": "end", "outcome": "called" },
                { "id": "ko", "type": "end", "outcome": "not-called" } ] }
            """);

        var instance = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin), new { to });

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"));
        Assert.Equal("called", detail.GetProperty("instance").GetProperty("outcome").GetString());
        var call = WorkflowClient.Step(detail, "call");
        Assert.Equal(1, call.GetProperty("attempts").GetInt32());
        var notificationId = call.GetProperty("result").GetProperty("id").GetGuid();
        Assert.Single(await _mail.MessagesToAsync(to));

        // Repeating the call with the same key (what a crash between the call and its commit leads to) creates nothing new.
        var token = await new ServiceCaller(stack, "communication").ServiceTokenAsync("workflow", "communication");
        using var communication = stack.CreateHttpClient("communication");
        using var replay = new HttpRequestMessage(HttpMethod.Post, "/api/notifications")
        {
            Content = JsonContent(new { organizationId = admin.OrganizationId, recipient = new { email = to }, category = "care-pathway", subject = "Called", body = "From a service-call step" }),
        };
        replay.Headers.Authorization = new("Bearer", token);
        replay.Headers.Add("Idempotency-Key", call.GetProperty("id").GetString());
        using var replayed = await communication.SendAsync(replay, Ct);
        Assert.Equal(notificationId, (await WorkflowClient.JsonAsync(replayed)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_step_past_its_SLA_is_recorded_as_breached_and_escalated_to_the_named_role()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var doctor = await _workflow.MemberAsync(admin, IdentityClient.PractitionerRole);
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "book", "steps": [ { "id": "book", "type": "task", "task": { "title": "Book the appointment", "role": "Receptionist" },
                "sla": "PT2S", "escalation": { "role": "Practitioner", "title": "Appointment not booked" } } ] }
            """);
        var instance = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin));

        var detail = await _workflow.WaitForAsync(admin, instance, d => WorkflowClient.Step(d, "book").GetProperty("slaBreachedAt").ValueKind == JsonValueKind.String, 20);
        var escalation = detail.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "escalation");
        Assert.Equal("Appointment not booked", escalation.GetProperty("title").GetString());
        Assert.Equal("urgent", escalation.GetProperty("priority").GetString());
        var doctorsList = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?view=role", doctor.Token);
        Assert.Contains(doctorsList.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetGuid() == escalation.GetProperty("id").GetGuid());

        var analytics = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/care-pathways/{pathway}/analytics", admin.Token);
        var book = analytics.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == "book");
        Assert.Equal(1, book.GetProperty("slaBreaches").GetInt32());
        Assert.Equal(1, book.GetProperty("open").GetInt32());
        Assert.Equal("book", analytics.GetProperty("bottlenecks")[0].GetProperty("stepId").GetString());
        var workload = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/workflow-analytics/workload", admin.Token);
        Assert.Contains(workload.GetProperty("roles").EnumerateArray(), r => r.GetProperty("role").GetString() == "Receptionist" && r.GetProperty("unclaimed").GetInt32() == 1);
    }

    [Fact]
    public async Task A_sub_pathway_runs_for_the_same_patient_and_its_outcome_ends_the_parent_step()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var child = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "exam", "steps": [ { "id": "exam", "type": "task", "task": { "title": "Foot exam", "role": "Nurse", "outcomes": ["healthy", "ulcer"] },
                "next": [ { "to": "ulcer", "when": { "fact": "outcome", "op": "eq", "value": "ulcer" } }, { "to": "healthy" } ] },
              { "id": "ulcer", "type": "end", "outcome": "ulcer" }, { "id": "healthy", "type": "end", "outcome": "healthy" } ] }
            """, "Foot exam");
        var parent = await _workflow.PublishedPathwayAsync(admin, $$"""
            { "start": "feet", "steps": [
                { "id": "feet", "type": "sub-pathway", "subPathway": { "pathwayId": "{{child}}" },
                  "next": [ { "to": "refer", "when": { "fact": "outcome", "op": "eq", "value": "ulcer" } }, { "to": "done" } ] },
                { "id": "refer", "type": "task", "task": { "title": "Refer to podiatry", "role": "Practitioner" } },
                { "id": "done", "type": "end" } ] }
            """, "Annual review");
        var patient = await _workflow.KnownPatientAsync(admin);
        var instance = await _workflow.StartAsync(admin, parent, patient);

        var childInstance = WorkflowClient.Step(await _workflow.InstanceAsync(admin, instance), "feet").GetProperty("result").GetProperty("childInstanceId").GetGuid();
        var childDetail = await _workflow.InstanceAsync(admin, childInstance);
        Assert.Equal(patient, childDetail.GetProperty("instance").GetProperty("patientId").GetGuid());
        Assert.Equal(instance, childDetail.GetProperty("instance").GetProperty("parentInstanceId").GetGuid());
        var exam = WorkflowClient.OpenTask(childDetail).GetProperty("id").GetGuid();
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{exam}/complete", admin.Token, new { outcome = "ulcer" });

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("refer"));
        Assert.Equal("ulcer", WorkflowClient.Step(detail, "feet").GetProperty("outcome").GetString());
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
