using System.Net;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>
/// Integration events into Workflow (POST /api/internal/events): only publishers' service tokens for their own events,
/// each message handled once, and what each event does to patients, waits and triggered pathways. The events are posted
/// here with the publisher's real service token, as its outbox relay will.
/// </summary>
public sealed class EventTests(StackFixture stack) : IDisposable
{
    private readonly WorkflowClient _workflow = new(stack);

    public void Dispose() => _workflow.Dispose();

    [Fact]
    public async Task A_redelivered_message_is_recognised_and_handled_once()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var messageId = Guid.NewGuid();
        var patientId = Guid.NewGuid();

        Assert.Equal("handled", await _workflow.EventAsync("content", "patient.created", admin.OrganizationId, new { patientId, gender = "male" }, messageId));
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            _workflow.EventAsync("content", "patient.created", admin.OrganizationId, new { patientId, gender = "female" }, messageId)));

        Assert.All(again, result => Assert.Equal("duplicate", result));
        Assert.Equal("male", await _workflow.ScalarAsync("SELECT gender FROM known_patients WHERE patient_id = @p", ("p", patientId)));
        Assert.Equal(1L, await _workflow.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @m", ("m", messageId)));
        Assert.Equal("ignored", await _workflow.EventAsync("content", "document.archived", admin.OrganizationId, new { documentId = Guid.NewGuid() }));
    }

    [Fact]
    public async Task Only_a_service_may_post_and_only_its_own_kind_of_event()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var body = new { messageId = Guid.NewGuid(), type = "patient.created", source = "content", organizationId = admin.OrganizationId, occurredAt = DateTimeOffset.UtcNow, data = new { patientId = Guid.NewGuid() } };

        using (var user = await _workflow.SendAsync(HttpMethod.Post, "/api/internal/events", admin.Token, body))
        {
            Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        }
        using (var anonymous = await _workflow.SendAsync(HttpMethod.Post, "/api/internal/events", null, body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        // Communication may not publish patients, nor name Content as the source.
        using (var impostor = await _workflow.PostEventAsync("communication", "patient.created", admin.OrganizationId, new { patientId = Guid.NewGuid() }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, impostor.StatusCode);
        }
        var communication = await _workflow.ServiceTokenAsync("communication");
        using (var spoofed = await _workflow.SendAsync(HttpMethod.Post, "/api/internal/events", communication, body))
        {
            Assert.Equal(HttpStatusCode.Forbidden, spoofed.StatusCode);
        }
        using (var noPatient = await _workflow.PostEventAsync("content", "patient.created", admin.OrganizationId, new { name = "no id" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, noPatient.StatusCode);
        }
        using (var noOrganization = await _workflow.PostEventAsync("content", "patient.created", Guid.Empty, new { patientId = Guid.NewGuid() }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noOrganization.StatusCode);
        }
        Assert.Equal(0L, await _workflow.ScalarAsync("SELECT count(*) FROM known_patients WHERE organization_id = @o", ("o", admin.OrganizationId)));
    }

    [Fact]
    public async Task An_older_patient_event_does_not_overwrite_a_newer_one()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var patientId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await _workflow.EventAsync("content", "patient.updated", admin.OrganizationId, new { patientId, gender = "female" }, occurredAt: now);
        await _workflow.EventAsync("content", "patient.created", admin.OrganizationId, new { patientId, gender = "unknown" }, occurredAt: now.AddMinutes(-5));

        Assert.Equal("female", await _workflow.ScalarAsync("SELECT gender FROM known_patients WHERE patient_id = @p", ("p", patientId)));
    }

    [Fact]
    public async Task An_observation_ends_the_wait_for_it_and_the_decision_reads_its_value()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "await-hba1c", "steps": [
                { "id": "await-hba1c", "type": "event", "event": { "type": "observation.recorded", "where": { "code": "4548-4" }, "timeout": "P30D" }, "next": [ { "to": "decide" } ] },
                { "id": "decide", "type": "decision", "next": [
                    { "to": "poor", "when": { "all": [ { "fact": "observations.4548-4.value", "op": "gt", "value": 8 }, { "fact": "patient.age", "op": "ge", "value": 60 } ] } },
                    { "to": "good" } ] },
                { "id": "poor", "type": "end", "outcome": "poorly-controlled" },
                { "id": "good", "type": "end", "outcome": "controlled" } ] }
            """);
        var patient = await _workflow.KnownPatientAsync(admin, birthDate: "1950-06-01");
        var instance = await _workflow.StartAsync(admin, pathway, patient);

        // Another code, and another patient's HbA1c, do not end the wait.
        await _workflow.EventAsync("content", "observation.recorded", admin.OrganizationId, new { patientId = patient, code = "2345-7", value = 5.4 });
        await _workflow.EventAsync("content", "observation.recorded", admin.OrganizationId, new { patientId = Guid.NewGuid(), code = "4548-4", value = 9.9 });
        Assert.Equal("await-hba1c", (await _workflow.InstanceAsync(admin, instance)).GetProperty("instance").GetProperty("currentStepId").GetString());

        var messageId = Guid.NewGuid();
        await _workflow.EventAsync("content", "observation.recorded", admin.OrganizationId,
            new { patientId = patient, code = "4548-4", system = "http://loinc.org", value = 8.7, unit = "%" }, messageId);

        var detail = await _workflow.WaitForAsync(admin, instance, WorkflowClient.StatusIs("completed"), 5);
        Assert.Equal("poorly-controlled", detail.GetProperty("instance").GetProperty("outcome").GetString());
        var wait = WorkflowClient.Step(detail, "await-hba1c");
        Assert.Equal($"event:{messageId}", wait.GetProperty("actor").GetString());
        Assert.Equal(8.7m, wait.GetProperty("result").GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task A_referral_document_starts_its_pathway_once_and_only_in_its_organization()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "triage", "trigger": { "event": "document.ingested", "where": { "category": "referral" } },
              "steps": [ { "id": "triage", "type": "task", "task": { "title": "Triage the referral", "role": "Practitioner" } } ] }
            """);
        var patient = await _workflow.KnownPatientAsync(admin);
        var messageId = Guid.NewGuid();

        await _workflow.EventAsync("content", "document.ingested", admin.OrganizationId, new { documentId = Guid.NewGuid(), patientId = patient, category = "lab-result" });
        await _workflow.EventAsync("content", "document.ingested", admin.OrganizationId, new { documentId = Guid.NewGuid(), patientId = patient, category = "referral" }, messageId);
        await _workflow.EventAsync("content", "document.ingested", admin.OrganizationId, new { documentId = Guid.NewGuid(), patientId = patient, category = "referral" }, messageId);
        // The same kind of document in another organization starts nothing here.
        await _workflow.EventAsync("content", "document.ingested", stranger.OrganizationId,
            new { documentId = Guid.NewGuid(), patientId = await _workflow.KnownPatientAsync(stranger), category = "referral" });

        var instances = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/pathway-instances?pathwayId={pathway}", admin.Token);
        var started = Assert.Single(instances.GetProperty("items").EnumerateArray());
        Assert.Equal("event", started.GetProperty("trigger").GetString());
        Assert.Equal($"event:{messageId}", started.GetProperty("startedBy").GetString());
    }

    [Fact]
    public async Task A_new_condition_starts_the_pathway_its_code_triggers_once()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "plan", "trigger": { "event": "condition.recorded", "where": { "code": "E11.9" } },
              "steps": [ { "id": "plan", "type": "task", "task": { "title": "Plan the diabetes follow-up", "role": "Practitioner" } } ] }
            """);
        var patient = await _workflow.KnownPatientAsync(admin);
        var messageId = Guid.NewGuid();

        await _workflow.EventAsync("content", "condition.recorded", admin.OrganizationId, new { patientId = patient, code = "I10", system = "http://hl7.org/fhir/sid/icd-10" });
        Assert.Equal("handled", await _workflow.EventAsync("content", "condition.recorded", admin.OrganizationId,
            new { patientId = patient, code = "E11.9", system = "http://hl7.org/fhir/sid/icd-10", clinicalStatus = "active" }, messageId));
        Assert.Equal("duplicate", await _workflow.EventAsync("content", "condition.recorded", admin.OrganizationId,
            new { patientId = patient, code = "E11.9", system = "http://hl7.org/fhir/sid/icd-10", clinicalStatus = "active" }, messageId));

        var instances = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/pathway-instances?pathwayId={pathway}", admin.Token);
        var started = Assert.Single(instances.GetProperty("items").EnumerateArray());
        Assert.Equal(patient, started.GetProperty("patientId").GetGuid());
        Assert.Equal($"event:{messageId}", started.GetProperty("startedBy").GetString());
        // Only Content publishes conditions.
        using var impostor = await _workflow.PostEventAsync("communication", "condition.recorded", admin.OrganizationId, new { patientId = patient, code = "E11.9" });
        Assert.Equal(HttpStatusCode.Forbidden, impostor.StatusCode);
    }

    [Fact]
    public async Task A_merged_patient_s_running_instances_and_tasks_move_to_the_surviving_record()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(admin, DefinitionTests.TwoTasks);
        var duplicate = await _workflow.KnownPatientAsync(admin);
        var survivor = await _workflow.KnownPatientAsync(admin);
        var instance = await _workflow.StartAsync(admin, pathway, duplicate);

        await _workflow.EventAsync("content", "patient.merged", admin.OrganizationId, new { survivorId = survivor, mergedId = duplicate, survivorVersion = 2 });

        var detail = await _workflow.InstanceAsync(admin, instance);
        Assert.Equal(survivor, detail.GetProperty("instance").GetProperty("patientId").GetGuid());
        Assert.Equal(survivor, WorkflowClient.OpenTask(detail).GetProperty("patientId").GetGuid());
        using var start = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, new { pathwayId = pathway, patientId = duplicate });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, start.StatusCode);
        Assert.Contains(survivor.ToString(), (await WorkflowClient.JsonAsync(start)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
