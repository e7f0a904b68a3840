using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>Tasks: work lists, claim and release, completion once, by whom, with what; what each role may do.</summary>
public sealed class TaskTests(StackFixture stack) : IDisposable
{
    private readonly WorkflowClient _workflow = new(stack);

    public void Dispose() => _workflow.Dispose();

    private const string Review = """
    { "start": "review", "steps": [
        { "id": "review", "type": "task", "task": { "title": "Review the lab result", "role": "Nurse", "priority": "urgent", "dueIn": "PT1S", "outcomes": ["normal", "abnormal"] },
          "next": [ { "to": "call", "when": { "fact": "outcome", "op": "eq", "value": "abnormal" } }, { "to": "done" } ] },
        { "id": "call", "type": "task", "task": { "title": "Call the patient", "role": "Practitioner" }, "next": [ { "to": "done" } ] },
        { "id": "done", "type": "end" } ] }
    """;

    private async Task<(ServiceCaller.User Admin, Guid Instance, Guid Task)> ReviewTaskAsync()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, Review);
        var instance = await _workflow.StartAsync(admin, pathway, await _workflow.KnownPatientAsync(admin));
        var task = WorkflowClient.OpenTask(await _workflow.InstanceAsync(admin, instance)).GetProperty("id").GetGuid();
        return (admin, instance, task);
    }

    private static Guid[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid())];

    [Fact]
    public async Task A_task_is_on_its_role_s_list_then_on_the_claimer_s_and_completing_it_moves_the_pathway_on()
    {
        var (admin, instance, task) = await ReviewTaskAsync();
        var nurse = await _workflow.MemberAsync(admin, IdentityClient.NurseRole);
        var doctor = await _workflow.MemberAsync(admin, IdentityClient.PractitionerRole);

        Assert.Contains(task, Ids(await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?view=role", nurse.Token)));
        Assert.DoesNotContain(task, Ids(await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?view=role", doctor.Token)));
        await Task.Delay(1200, TestContext.Current.CancellationToken); // due in 1 s
        var overdue = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?view=overdue", nurse.Token);
        Assert.True(overdue.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == task).GetProperty("overdue").GetBoolean());

        var claimed = await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/claim", nurse.Token);
        Assert.Equal("in-progress", claimed.GetProperty("status").GetString());
        Assert.Equal(nurse.Account.UserId, claimed.GetProperty("claimedBy").GetGuid());
        Assert.Contains(task, Ids(await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?view=mine", nurse.Token)));
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/claim", nurse.Token); // idempotent for who holds it

        var completed = await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", nurse.Token, new { outcome = "abnormal", note = "HbA1c 9.1 %" });
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal("HbA1c 9.1 %", completed.GetProperty("note").GetString());

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("call"));
        var review = WorkflowClient.Step(detail, "review");
        Assert.Equal("abnormal", review.GetProperty("outcome").GetString());
        Assert.Equal($"user:{nurse.Account.UserId}", review.GetProperty("actor").GetString());
        var next = WorkflowClient.OpenTask(detail).GetProperty("id").GetGuid();
        Assert.Contains(next, Ids(await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?view=role", doctor.Token)));
    }

    [Fact]
    public async Task Completing_someone_else_s_claimed_task_or_completing_twice_is_a_409_and_changes_nothing()
    {
        var (admin, instance, task) = await ReviewTaskAsync();
        var nurse = await _workflow.MemberAsync(admin, IdentityClient.NurseRole);
        var otherNurse = await _workflow.MemberAsync(admin, IdentityClient.NurseRole);
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/claim", nurse.Token);

        foreach (var action in new[] { "complete", "claim", "release" })
        {
            using var refused = await _workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{task}/{action}", otherNurse.Token, new { outcome = "normal" });
            Assert.True(refused.StatusCode == HttpStatusCode.Conflict, $"{action}: {refused.StatusCode}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        using (var badOutcome = await _workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", nurse.Token, new { outcome = "maybe" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badOutcome.StatusCode);
        }
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", nurse.Token, new { outcome = "normal" });
        using (var twice = await _workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", nurse.Token, new { outcome = "abnormal" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        }

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"));
        Assert.Equal("normal", WorkflowClient.Step(detail, "review").GetProperty("outcome").GetString());
        Assert.Equal(1L, await _workflow.ScalarAsync("SELECT count(*) FROM step_executions WHERE instance_id = @i AND step_id = 'review'", ("i", instance)));
    }

    [Fact]
    public async Task Concurrent_completions_of_one_task_end_with_exactly_one()
    {
        var (admin, instance, task) = await ReviewTaskAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", admin.Token, new { outcome = i % 2 == 0 ? "normal" : "abnormal" })));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var response in responses)
        {
            response.Dispose();
        }
        var detail = await _workflow.WaitForAsync(admin, instance, d => d.GetProperty("steps").GetArrayLength() >= 2);
        Assert.Equal(2, detail.GetProperty("steps").GetArrayLength()); // review, then exactly one next step
    }

    [Fact]
    public async Task Each_role_may_do_what_its_permissions_say()
    {
        var (admin, _, task) = await ReviewTaskAsync();
        var receptionist = await _workflow.MemberAsync(admin, IdentityClient.ReceptionistRole); // tasks:read/write, no workflows:*
        var doctor = await _workflow.MemberAsync(admin, IdentityClient.PractitionerRole);

        using (var list = await _workflow.SendAsync(HttpMethod.Get, "/api/tasks", receptionist.Token))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }
        using (var instances = await _workflow.SendAsync(HttpMethod.Get, "/api/pathway-instances", receptionist.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, instances.StatusCode);
        }
        using (var notHers = await _workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{task}/claim", receptionist.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notHers.StatusCode); // for the Nurse role, which she does not hold
        }
        using (var reassign = await _workflow.SendAsync(HttpMethod.Patch, $"/api/tasks/{task}", receptionist.Token, new { role = "Receptionist" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reassign.StatusCode);
        }
        // A pathway manager may reassign it to her; then she completes it.
        var reassigned = await _workflow.OkJsonAsync(HttpMethod.Patch, $"/api/tasks/{task}", doctor.Token,
            new { userId = receptionist.Account.UserId, priority = "stat", linkedDocumentIds = new[] { Guid.NewGuid() } });
        Assert.Equal("stat", reassigned.GetProperty("priority").GetString());
        Assert.Single(reassigned.GetProperty("linkedDocumentIds").EnumerateArray());
        Assert.Contains(task, Ids(await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?view=mine", receptionist.Token)));
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", receptionist.Token, new { outcome = "normal" });
    }

    [Fact]
    public async Task A_task_made_by_hand_is_listed_for_its_patient_and_most_urgent_first()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var patient = await _workflow.KnownPatientAsync(admin);
        var routine = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/tasks", admin.Token, new { title = "File the letter", role = "Receptionist", patientId = patient });
        var stat = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/tasks", admin.Token, new { title = "Call back now", role = "Nurse", patientId = patient, priority = "stat" });

        var page = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/tasks?patientId={patient}", admin.Token);
        Assert.Equal([stat.GetProperty("id").GetGuid(), routine.GetProperty("id").GetGuid()], Ids(page));

        using var unknown = await _workflow.SendAsync(HttpMethod.Post, "/api/tasks", admin.Token, new { title = "x", role = "Nurse", patientId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using var badView = await _workflow.SendAsync(HttpMethod.Get, "/api/tasks?view=everyone", admin.Token);
        Assert.Equal(HttpStatusCode.BadRequest, badView.StatusCode);
    }

    [Fact]
    public async Task Another_organization_s_tasks_are_not_listed_and_every_task_endpoint_answers_404()
    {
        var (_, _, task) = await ReviewTaskAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();

        Assert.DoesNotContain(task, Ids(await _workflow.OkJsonAsync(HttpMethod.Get, "/api/tasks?pageSize=200", stranger.Token)));
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/tasks/{task}"), (HttpMethod.Post, $"/api/tasks/{task}/claim"), (HttpMethod.Post, $"/api/tasks/{task}/release"),
            (HttpMethod.Post, $"/api/tasks/{task}/complete"), (HttpMethod.Patch, $"/api/tasks/{task}"),
        })
        {
            using var response = await _workflow.SendAsync(method, path, stranger.Token, new { outcome = "normal" });
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }
    }
}
