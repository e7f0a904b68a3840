using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>Instances: who they may start for, in bulk and for a cohort, pause and resume, cancel, delete, history, and another organization's view.</summary>
public sealed class InstanceTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly WorkflowClient _workflow = new(stack);

    public void Dispose() => _workflow.Dispose();

    private const string WaitThenTask = """
    { "start": "wait", "steps": [
        { "id": "wait", "type": "timer", "timer": { "after": "PT3S" }, "next": [ { "to": "check" } ] },
        { "id": "check", "type": "task", "task": { "title": "Check in", "role": "Nurse" } } ] }
    """;

    [Fact]
    public async Task An_instance_starts_only_for_a_known_active_patient_of_the_organization()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, DefinitionTests.TwoTasks);
        var strangersPatient = await _workflow.KnownPatientAsync(stranger);
        var inactive = Guid.NewGuid();
        await _workflow.EventAsync("content", "patient.created", admin.OrganizationId, new { patientId = inactive, active = false });

        foreach (var patient in new[] { Guid.NewGuid(), strangersPatient, inactive })
        {
            using var refused = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, new { pathwayId = pathway, patientId = patient });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        using (var noPatient = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, new { pathwayId = pathway }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noPatient.StatusCode);
        }
        // The same answer for an unknown patient and another organization's: nothing to learn about the other organization.
        using var unknown = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, new { pathwayId = pathway, patientId = Guid.NewGuid() });
        using var theirs = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, new { pathwayId = pathway, patientId = strangersPatient });
        Assert.Equal((await WorkflowClient.JsonAsync(unknown)).GetProperty("title").GetString(), (await WorkflowClient.JsonAsync(theirs)).GetProperty("title").GetString());
        Assert.Equal(0L, await _workflow.ScalarAsync("SELECT count(*) FROM pathway_instances WHERE organization_id = @o", ("o", admin.OrganizationId)));
    }

    [Fact]
    public async Task A_start_repeated_with_its_idempotency_key_starts_one_instance()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, DefinitionTests.TwoTasks);
        var patient = await _workflow.KnownPatientAsync(admin);
        var body = WorkflowClient.Json(new { pathwayId = pathway, patientId = patient });

        using var first = await _workflow.SendJsonAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, body, "visit-42");
        using var again = await _workflow.SendJsonAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, body, "visit-42");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await WorkflowClient.JsonAsync(first)).GetProperty("id").GetGuid(), (await WorkflowClient.JsonAsync(again)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_bulk_start_starts_all_or_none_and_a_cohort_is_chosen_by_a_condition_over_known_patients()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, DefinitionTests.TwoTasks);
        var patients = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            patients.Add(await _workflow.KnownPatientAsync(admin));
            await _workflow.EventAsync("content", "observation.recorded", admin.OrganizationId,
                new { patientId = patients[^1], code = "4548-4", system = "http://loinc.org", value = 6.5 + i, unit = "%", effectiveAt = DateTimeOffset.UtcNow });
        }

        using (var withStranger = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances/bulk", admin.Token,
            new { pathwayId = pathway, patients = patients.Select(p => new { patientId = p }).Append(new { patientId = Guid.NewGuid() }) }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, withStranger.StatusCode);
        }
        Assert.Equal(0L, await _workflow.ScalarAsync("SELECT count(*) FROM pathway_instances WHERE organization_id = @o", ("o", admin.OrganizationId)));

        // HbA1c above 8 %: the last two patients (8.5 and 9.5).
        var cohort = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/pathway-instances/bulk", admin.Token, new
        {
            pathwayId = pathway,
            cohort = new { where = new { fact = "observations.4548-4.value", op = "gt", value = 8 } },
            variables = new { campaign = "winter" },
        });
        Assert.Equal(2, cohort.GetProperty("started").GetInt32());
        Assert.Equal(patients.Skip(2).Order(), cohort.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("patientId").GetGuid()).Order());

        var listed = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/pathway-instances/bulk", admin.Token,
            new { pathwayId = pathway, patients = patients.Take(2).Select(p => new { patientId = p, variables = new { seat = p.ToString()[..4] } }) });
        Assert.Equal(2, listed.GetProperty("started").GetInt32());
        var one = listed.GetProperty("instances")[0].GetProperty("instanceId").GetGuid();
        Assert.Equal(patients[0].ToString()[..4], (await _workflow.InstanceAsync(admin, one)).GetProperty("instance").GetProperty("variables").GetProperty("seat").GetString());
    }

    [Fact]
    public async Task A_paused_instance_holds_its_timer_and_fires_it_on_resume()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, WaitThenTask);
        var instance = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin));

        Assert.Equal("paused", (await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/pause", admin.Token)).GetProperty("status").GetString());
        using (var twice = await _workflow.SendAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/pause", admin.Token))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(5), Ct); // past the timer's due time
        var paused = await _workflow.InstanceAsync(admin, instance);
        Assert.Equal("wait", paused.GetProperty("instance").GetProperty("currentStepId").GetString());
        Assert.Equal(1L, await _workflow.ScalarAsync("SELECT count(*) FROM work_items WHERE instance_id = @i AND held", ("i", instance)));

        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/resume", admin.Token);
        var resumed = await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("check"), 5);
        Assert.Equal("fired", WorkflowClient.Step(resumed, "wait").GetProperty("outcome").GetString());

        var history = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/pathway-instances/{instance}/history", admin.Token);
        var actions = history.EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["started", "step.entered", "paused", "resumed", "step.completed", "step.entered"], actions);
        Assert.All(history.EnumerateArray().Where(h => h.GetProperty("action").GetString() is "paused" or "resumed"),
            h => Assert.Equal($"user:{admin.Account.UserId}", h.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task Pausing_puts_tasks_on_hold_and_a_held_task_cannot_be_completed()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, DefinitionTests.TwoTasks);
        var instance = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin));
        var task = WorkflowClient.OpenTask(await _workflow.InstanceAsync(admin, instance)).GetProperty("id").GetGuid();

        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/pause", admin.Token);
        Assert.Equal("on-hold", (await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/tasks/{task}", admin.Token)).GetProperty("status").GetString());
        using (var held = await _workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", admin.Token, new { }))
        {
            Assert.Equal(HttpStatusCode.Conflict, held.StatusCode);
        }
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/resume", admin.Token);
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", admin.Token, new { });
        await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("second"), 5);
    }

    [Fact]
    public async Task A_cancelled_instance_closes_its_task_and_its_late_timer_is_ignored_harmlessly()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, WaitThenTask);
        var instance = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin));

        var cancelled = await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/cancel", admin.Token, new { reason = "Patient moved away" });
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        using (var again = await _workflow.SendAsync(HttpMethod.Post, $"/api/pathway-instances/{instance}/cancel", admin.Token, new { }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        // The timer falls due after the cancel: recorded as ignored, the instance stays cancelled.
        var history = await WaitForHistoryAsync(admin, instance, "work.ignored");
        Assert.Contains(history, h => h.GetProperty("action").GetString() == "cancel.requested" && h.GetProperty("detail").GetProperty("reason").GetString() == "Patient moved away");
        var detail = await _workflow.InstanceAsync(admin, instance);
        Assert.Equal("cancelled", detail.GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal("cancelled", WorkflowClient.Step(detail, "wait").GetProperty("status").GetString());
        Assert.Equal(0L, await _workflow.ScalarAsync("SELECT count(*) FROM work_items WHERE instance_id = @i", ("i", instance)));
    }

    [Fact]
    public async Task A_timer_of_a_deleted_instance_is_discarded_and_recorded_and_the_engine_goes_on()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, WaitThenTask);
        var patient = await _workflow.KnownPatientAsync(admin);
        var deleted = await _workflow.StartAsync(admin, pathway, patient);
        var kept = await _workflow.StartAsync(admin, pathway, patient);

        using (var delete = await _workflow.SendAsync(HttpMethod.Delete, $"/api/pathway-instances/{deleted}", admin.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var gone = await _workflow.SendAsync(HttpMethod.Get, $"/api/pathway-instances/{deleted}", admin.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        await _workflow.WaitForAsync(admin, kept, WorkflowClient.AtStep("check"), 15);
        for (var i = 0; i < 50 && await _workflow.ScalarAsync("SELECT count(*) FROM discarded_work_items WHERE instance_id = @i", ("i", deleted)) is 0L; i++)
        {
            await Task.Delay(200, Ct);
        }
        Assert.Equal("The instance was deleted.", await _workflow.ScalarAsync("SELECT reason FROM discarded_work_items WHERE instance_id = @i AND kind = 'timer'", ("i", deleted)));
        Assert.Equal(0L, await _workflow.ScalarAsync("SELECT count(*) FROM work_items WHERE instance_id = @i", ("i", deleted)));
    }

    [Fact]
    public async Task Every_instance_endpoint_answers_404_to_another_organization_and_lists_none_of_its_instances()
    {
        var owner = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(owner, DefinitionTests.TwoTasks);
        var instance = await _workflow.StartAsync(owner, pathway, await _workflow.KnownPatientAsync(owner));

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/pathway-instances/{instance}"), (HttpMethod.Get, $"/api/pathway-instances/{instance}/history"),
            (HttpMethod.Post, $"/api/pathway-instances/{instance}/pause"), (HttpMethod.Post, $"/api/pathway-instances/{instance}/resume"),
            (HttpMethod.Post, $"/api/pathway-instances/{instance}/cancel"), (HttpMethod.Delete, $"/api/pathway-instances/{instance}"),
        })
        {
            using var response = await _workflow.SendAsync(method, path, stranger.Token, new { });
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }
        Assert.Equal(0, (await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/pathway-instances?pathwayId={pathway}", stranger.Token)).GetProperty("total").GetInt32());
        using var migrate = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances/migrate", stranger.Token, new { pathwayId = pathway, fromVersion = 1, toVersion = 2 });
        Assert.Equal(HttpStatusCode.NotFound, migrate.StatusCode);
        Assert.Equal("running", (await _workflow.InstanceAsync(owner, instance)).GetProperty("instance").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reading_an_instance_records_who_read_which_patient()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var patient = await _workflow.KnownPatientAsync(admin);
        var instance = await _workflow.StartAsync(admin, await _workflow.PublishedPathwayAsync(admin, DefinitionTests.TwoTasks), patient);

        await _workflow.InstanceAsync(admin, instance);

        Assert.Equal($"user:{admin.Account.UserId}", await _workflow.ScalarAsync(
            "SELECT actor FROM patient_access_audit WHERE organization_id = @o AND resource = 'instance' AND @p = ANY(patient_ids) ORDER BY id DESC LIMIT 1",
            ("o", admin.OrganizationId), ("p", patient)));
    }

    private async Task<List<JsonElement>> WaitForHistoryAsync(ServiceCaller.User user, Guid instance, string action)
    {
        for (var i = 0; i < 100; i++)
        {
            var history = (await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/pathway-instances/{instance}/history", user.Token)).EnumerateArray().ToList();
            if (history.Any(h => h.GetProperty("action").GetString() == action))
            {
                return history;
            }
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"No '{action}' in the history of {instance}.");
        return [];
    }
}
