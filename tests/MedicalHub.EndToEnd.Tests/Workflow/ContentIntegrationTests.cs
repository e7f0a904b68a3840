using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Content;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>
/// Workflow with the real Content beside it: patients registered, changed and merged in Content reach Workflow through
/// Content's outbox (patient.* events), and the referral template shares the patient's chart through Content's sharing
/// API with Workflow's service token, and revokes it when the referral is undone.
/// </summary>
public sealed class ContentIntegrationTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly WorkflowClient _workflow = new(stack);
    private readonly DocumentsClient _content = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _workflow.Dispose();
        _content.Dispose();
        _mail.Dispose();
    }

    private const string OneTask = """{ "start": "see", "steps": [ { "id": "see", "type": "task", "task": { "title": "See the patient", "role": "Nurse" } } ] }""";

    [Fact]
    public async Task A_patient_registered_in_Content_becomes_known_to_Workflow_and_another_organization_cannot_start_for_them()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        var email = $"claire.{Guid.NewGuid():N}@example.org";
        var patient = await RegisterAsync(admin, "Martin", email);
        var pathway = await _workflow.PublishedPathwayAsync(admin, OneTask);
        var strangersPathway = await _workflow.PublishedPathwayAsync(stranger, OneTask);

        await KnownToWorkflowAsync(patient);
        Assert.Equal(email, await _workflow.ScalarAsync("SELECT email FROM known_patients WHERE patient_id = @p", ("p", patient)));
        Assert.Equal(admin.OrganizationId, await _workflow.ScalarAsync("SELECT organization_id FROM known_patients WHERE patient_id = @p", ("p", patient)));
        await _workflow.StartAsync(admin, pathway, patient);

        // Another organization's pathway for this patient: refused, with the very answer an unknown patient gets.
        using var foreign = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", stranger.Token, new { pathwayId = strangersPathway, patientId = patient });
        using var unknown = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", stranger.Token, new { pathwayId = strangersPathway, patientId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal((await WorkflowClient.JsonAsync(unknown)).GetProperty("title").GetString(), (await WorkflowClient.JsonAsync(foreign)).GetProperty("title").GetString());
        // Nor through the owner's pathway (not found for them), in bulk, or through FHIR $apply.
        using (var theirs = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", stranger.Token, new { pathwayId = pathway, patientId = patient }))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }
        using (var bulk = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances/bulk", stranger.Token,
            new { pathwayId = strangersPathway, patients = new[] { new { patientId = patient } } }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bulk.StatusCode);
        }
        using (var apply = await _workflow.SendAsync(HttpMethod.Post, $"/fhir/PlanDefinition/{strangersPathway}/$apply?subject=Patient/{patient}", stranger.Token))
        {
            Assert.True(apply.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest, $"{apply.StatusCode}");
        }
        Assert.Equal(0L, await _workflow.ScalarAsync("SELECT count(*) FROM pathway_instances WHERE organization_id = @o", ("o", stranger.OrganizationId)));
    }

    [Fact]
    public async Task A_merge_in_Content_moves_the_running_instance_to_the_surviving_record_and_refuses_new_starts_for_the_merged_one()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var survivor = await RegisterAsync(admin, "Durand", null);
        var duplicate = await RegisterAsync(admin, "Durand", null);
        var pathway = await _workflow.PublishedPathwayAsync(admin, OneTask);
        await KnownToWorkflowAsync(duplicate);
        var instance = await _workflow.StartAsync(admin, pathway, duplicate);

        using (var merged = await _content.Caller.SendAsync(HttpMethod.Post, $"{PatientClient.Patients}/{survivor}/merge", admin.Token, new { mergeId = duplicate }))
        {
            Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        }

        var detail = await _workflow.WaitForAsync(admin, instance, d => d.GetProperty("instance").GetProperty("patientId").GetGuid() == survivor);
        Assert.Equal(survivor, WorkflowClient.OpenTask(detail).GetProperty("patientId").GetGuid());
        using var start = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", admin.Token, new { pathwayId = pathway, patientId = duplicate });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, start.StatusCode);
        Assert.Contains(survivor.ToString(), (await WorkflowClient.JsonAsync(start)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_referral_template_shares_the_chart_through_Content_and_revokes_the_share_when_the_referral_is_refused()
    {
        var practice = await _workflow.NewOrganizationAdminAsync();
        var hospital = await _workflow.NewOrganizationAdminAsync();
        var cardiologist = await _workflow.MemberAsync(hospital, IdentityClient.PractitionerRole);
        var patientEmail = $"patient.{Guid.NewGuid():N}@example.org";
        var receiverEmail = $"cardiology.{Guid.NewGuid():N}@example.org";
        var patient = await RegisterAsync(practice, "Bernard", patientEmail);
        var letter = (await _content.CreateAsync(practice, patientId: patient)).GetProperty("id").GetGuid();
        var template = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/care-pathways/templates/referral", practice.Token);
        var pathway = await _workflow.PublishedPathwayAsync(practice, template.GetRawText(), "Referral to cardiology");
        await KnownToWorkflowAsync(patient);

        // The chart is not the hospital's to read before the referral.
        Assert.Equal(HttpStatusCode.NotFound, await ReadStatusAsync(letter, cardiologist));
        var instance = await _workflow.StartAsync(practice, pathway, patient, new
        {
            receiverOrganizationId = hospital.OrganizationId, receiverRole = "Practitioner", receiverName = "Cardiology", receiverEmail, reason = "chest pain",
        });
        var waiting = await _workflow.WaitForAsync(practice, instance, WorkflowClient.AtStep("await-answer"));

        var shareStep = WorkflowClient.Step(waiting, "share-chart");
        Assert.Equal("succeeded", shareStep.GetProperty("outcome").GetString());
        var shareId = shareStep.GetProperty("result").GetProperty("id").GetGuid();
        var share = Assert.Single(await SharesOfAsync(practice, patient));
        Assert.Equal(shareId, share.GetProperty("id").GetGuid());
        Assert.True(share.GetProperty("active").GetBoolean());
        Assert.Equal("workflow", share.GetProperty("createdByClient").GetString());
        Assert.Equal(JsonValueKind.Null, share.GetProperty("createdBy").ValueKind);
        Assert.Equal(hospital.OrganizationId, share.GetProperty("recipientOrganizationId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, await ReadStatusAsync(letter, cardiologist));

        var answer = WorkflowClient.OpenTask(waiting).GetProperty("id").GetGuid();
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{answer}/complete", practice.Token, new { outcome = "refused", note = "No capacity" });

        var detail = await _workflow.WaitForAsync(practice, instance, WorkflowClient.StatusIs("completed"));
        Assert.Equal("referral-not-accepted", detail.GetProperty("instance").GetProperty("outcome").GetString());
        var compensations = detail.GetProperty("compensations").EnumerateArray().ToList();
        Assert.Equal(["notify-receiver", "share-chart"], compensations.Select(c => c.GetProperty("stepId").GetString()));
        Assert.All(compensations, c => Assert.Equal("done", c.GetProperty("status").GetString()));
        var revoked = Assert.Single(await SharesOfAsync(practice, patient));
        Assert.Equal(shareId, revoked.GetProperty("id").GetGuid());
        Assert.False(revoked.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, await ReadStatusAsync(letter, cardiologist));
        Assert.Equal(["New referral", "Referral withdrawn"], (await _mail.MessagesToAsync(receiverEmail, atLeast: 2)).Select(m => m.GetProperty("subject").GetString()).Order());
        Assert.Equal("About your referral", Assert.Single(await _mail.MessagesToAsync(patientEmail)).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Content_shares_for_Workflow_once_per_idempotency_key_and_only_within_the_organization_it_names()
    {
        var practice = await _workflow.NewOrganizationAdminAsync();
        var other = await _workflow.NewOrganizationAdminAsync();
        var token = await _workflow.Caller.ServiceTokenAsync("workflow", "content");
        var patient = await RegisterAsync(practice, "Lambert", email: null);
        var key = Guid.NewGuid().ToString();
        var body = new { organizationId = practice.OrganizationId, patientId = patient, recipientOrganizationId = other.OrganizationId, recipientRole = "Practitioner" };

        var first = await ShareAsServiceAsync(token, body, key, HttpStatusCode.Created);
        var again = await ShareAsServiceAsync(token, body, key, HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Single(await SharesOfAsync(practice, patient));
        // The same key for another share: refused, nothing made.
        await ShareAsServiceAsync(token, body with { recipientRole = "Nurse" }, key, HttpStatusCode.UnprocessableEntity);
        // A service names the organization it acts for.
        await ShareAsServiceAsync(token, new { patientId = patient, recipientRole = "Nurse" }, null, HttpStatusCode.BadRequest);
        Assert.Single(await SharesOfAsync(practice, patient));

        // Acting for another organization, the share is not found; for its own, it is revoked, and again is no error.
        var id = first.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, await RevokeAsServiceAsync(token, id, other.OrganizationId));
        Assert.Equal(HttpStatusCode.BadRequest, await RevokeAsServiceAsync(token, id, null));
        Assert.True(Assert.Single(await SharesOfAsync(practice, patient)).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, await RevokeAsServiceAsync(token, id, practice.OrganizationId));
        Assert.Equal(HttpStatusCode.NoContent, await RevokeAsServiceAsync(token, id, practice.OrganizationId));
        Assert.False(Assert.Single(await SharesOfAsync(practice, patient)).GetProperty("active").GetBoolean());
        // A user may not act for another organization by naming it.
        using var user = await _content.Caller.SendAsync(HttpMethod.Post, "/api/shares", other.Token, body);
        Assert.Equal(HttpStatusCode.BadRequest, user.StatusCode);
    }

    /// <summary>The shape Communication's attachments use (branch messaging): on behalf of one of the organization's users, no key.</summary>
    [Fact]
    public async Task Content_shares_for_a_service_on_behalf_of_a_user_once_without_a_key_and_leaves_telling_the_recipient_to_the_service()
    {
        var practice = await _workflow.NewOrganizationAdminAsync();
        var colleague = await _workflow.MemberAsync(practice, IdentityClient.PractitionerRole);
        var token = await _workflow.Caller.ServiceTokenAsync("workflow", "content");
        var document = (await _content.CreateAsync(practice)).GetProperty("id").GetGuid();
        var body = new { organizationId = practice.OrganizationId, documentId = document, recipientUserId = colleague.Account.UserId, sharedBy = practice.Account.UserId };

        var first = await ShareAsServiceAsync(token, body, null, HttpStatusCode.Created);
        var again = await ShareAsServiceAsync(token, body, null, HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(practice.Account.UserId, first.GetProperty("createdBy").GetGuid());
        Assert.Equal("workflow", first.GetProperty("createdByClient").GetString());
        Assert.Equal(1L, await _content.ScalarAsync<long>("SELECT count(*) FROM shares WHERE document_id = @d", ("d", document)));
        // The service tells the recipient itself (a message, a referral): Content queues no share e-mail.
        Assert.Equal(0L, await _content.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE type = 'share.notify' AND payload::text LIKE @id",
            ("id", $"%{first.GetProperty("id").GetGuid()}%")));

        // A user names neither the sharer nor an organization, not even their own.
        using (var user = await _content.Caller.SendAsync(HttpMethod.Post, "/api/shares", practice.Token,
            new { documentId = document, recipientRole = "Nurse", sharedBy = colleague.Account.UserId }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, user.StatusCode);
        }
        using (var user = await _content.Caller.SendAsync(HttpMethod.Post, "/api/shares", practice.Token,
            new { documentId = document, recipientRole = "Nurse", organizationId = practice.OrganizationId }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, user.StatusCode);
        }
        // A user's own share to a user is e-mailed as before (through the outbox).
        using (var shared = await _content.Caller.SendAsync(HttpMethod.Post, "/api/shares", practice.Token, new { documentId = document, recipientUserId = colleague.Account.UserId }))
        {
            Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
            var id = (await ServiceCaller.JsonAsync(shared)).GetProperty("id").GetGuid();
            Assert.Equal(1L, await _content.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE type = 'share.notify' AND payload::text LIKE @id",
                ("id", $"%{id}%")));
        }
    }

    private static readonly string[] GivenNames = ["Claire"];

    private async Task<Guid> RegisterAsync(ServiceCaller.User admin, string family, string? email)
    {
        var created = await PatientClient.CreateAsync(_content.Caller, admin, new
        {
            names = new[] { new { use = "official", family, given = GivenNames } },
            birthDate = "1957-03-04",
            gender = "female",
            telecom = email is null ? [] : new[] { new { system = "email", value = email } },
        });
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>Waits until Content's patient.created for <paramref name="patientId"/> reached Workflow (through Content's outbox relay).</summary>
    private async Task KnownToWorkflowAsync(Guid patientId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (await _workflow.ScalarAsync("SELECT count(*) FROM known_patients WHERE patient_id = @p", ("p", patientId)) is 0L)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Workflow did not learn of patient {patientId} from Content within 60 s.");
            await Task.Delay(100, Ct);
        }
    }

    private async Task<HttpStatusCode> ReadStatusAsync(Guid documentId, ServiceCaller.User reader)
    {
        using var read = await _content.GetAsync($"/api/documents/{documentId}/content", reader.Token);
        return read.StatusCode;
    }

    private async Task<List<JsonElement>> SharesOfAsync(ServiceCaller.User owner, Guid patientId)
    {
        using var response = await _content.Caller.SendAsync(HttpMethod.Get, $"/api/shares?patientId={patientId}", owner.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ServiceCaller.JsonAsync(response)).GetProperty("items").EnumerateArray()];
    }

    private async Task<JsonElement> ShareAsServiceAsync(string token, object body, string? key, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/shares") { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        using var response = await _content.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpStatusCode> RevokeAsServiceAsync(string token, Guid shareId, Guid? organizationId)
    {
        using var response = await _content.Caller.SendAsync(HttpMethod.Delete,
            organizationId is null ? $"/api/shares/{shareId}" : $"/api/shares/{shareId}?organizationId={organizationId}", token);
        return response.StatusCode;
    }
}
