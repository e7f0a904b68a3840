using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.DecisionSupport.CdsHooksClient;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.EndToEnd.Tests.DecisionSupport;

/// <summary>The CDS Hooks 2.0 service on Workflow as a CDS client (an EHR) sees it: discovery, hooks with and without prefetch, feedback, bad requests.</summary>
public sealed class CdsHooksTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CdsHooksClient _cds = new(stack);

    public void Dispose() => _cds.Dispose();

    [Fact]
    public async Task Discovery_lists_both_services_with_their_prefetch_templates_through_the_gateway_without_a_token()
    {
        using var gateway = stack.CreateHttpClient("gateway");
        using var response = await gateway.GetAsync("/cds-services", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        var services = JsonDocument.Parse(text).RootElement.GetProperty("services").EnumerateArray().ToList();

        Assert.Equal([PatientView, OrderSelect], services.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(["patient-view", "order-select"], services.Select(s => s.GetProperty("hook").GetString()));
        foreach (var service in services)
        {
            Assert.False(string.IsNullOrEmpty(service.GetProperty("description").GetString()));
            Assert.False(string.IsNullOrEmpty(service.GetProperty("title").GetString()));
            var prefetch = service.GetProperty("prefetch");
            Assert.Equal("Patient/{{context.patientId}}", prefetch.GetProperty("patient").GetString());
            Assert.Contains("{{context.patientId}}", prefetch.GetProperty("observations").GetString());
        }
    }

    [Fact]
    public async Task Patient_view_with_prefetch_answers_a_card_of_the_specification_s_shape()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();
        var patient = await _cds.Workflow.KnownPatientAsync(admin);

        var (status, body) = await _cds.HookAsync(PatientView, admin.Token, Request("patient-view", patient, DiabeticPrefetch(patient)));

        Assert.True(status == 200, body.ToString());
        var card = body.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString() == "hba1c-overdue");
        Assert.True(Guid.TryParse(card.GetProperty("uuid").GetString(), out _));
        Assert.InRange(card.GetProperty("summary").GetString()!.Length, 1, 139);
        Assert.Equal("warning", card.GetProperty("indicator").GetString());
        Assert.Contains("**HbA1c", card.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrEmpty(card.GetProperty("source").GetProperty("label").GetString()));
        Assert.Equal("at-most-one", card.GetProperty("selectionBehavior").GetString());
        var suggestion = Assert.Single(card.GetProperty("suggestions").EnumerateArray());
        Assert.True(Guid.TryParse(suggestion.GetProperty("uuid").GetString(), out _));
        var action = Assert.Single(suggestion.GetProperty("actions").EnumerateArray());
        Assert.Equal("create", action.GetProperty("type").GetString());
        Assert.Equal("ServiceRequest", action.GetProperty("resource").GetProperty("resourceType").GetString());
        Assert.Equal($"Patient/{patient}", action.GetProperty("resource").GetProperty("subject").GetProperty("reference").GetString());
        Assert.NotEmpty(card.GetProperty("overrideReasons").EnumerateArray());
        // Nothing else fires on this patient (no medications, under 65, no abnormal result).
        Assert.Single(body.GetProperty("cards").EnumerateArray());
        Assert.Equal(1L, await _cds.Workflow.ScalarAsync("""SELECT count(*) FROM patient_access_audit WHERE resource = 'cds-hook:patient-view' AND @p = ANY(patient_ids)""", ("p", patient)));
    }

    [Fact]
    public async Task Order_select_flags_an_allergy_conflict_as_critical_with_a_delete_suggestion_for_the_selected_draft()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();
        var patient = await _cds.Workflow.KnownPatientAsync(admin);
        var prefetch = DiabeticPrefetch(patient);
        prefetch["allergies"] = Searchset(new JsonObject
        {
            ["resourceType"] = "AllergyIntolerance",
            ["clinicalStatus"] = Coded("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
            ["code"] = Coded("http://www.nlm.nih.gov/research/umls/rxnorm", "7980", "Penicillin G"),
            ["patient"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        });
        var draft = new JsonObject
        {
            ["resourceType"] = "MedicationRequest", ["id"] = "draft-1", ["status"] = "draft", ["intent"] = "order",
            ["medicationCodeableConcept"] = Coded("http://www.nlm.nih.gov/research/umls/rxnorm", "7980", "Penicillin G"),
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        };
        var context = new JsonObject { ["selections"] = new JsonArray("MedicationRequest/draft-1"), ["draftOrders"] = Searchset(draft) };

        var (status, body) = await _cds.HookAsync(OrderSelect, admin.Token, Request("order-select", patient, prefetch, context));

        Assert.True(status == 200, body.ToString());
        var card = body.GetProperty("cards")[0];
        Assert.Equal("critical", card.GetProperty("indicator").GetString());
        Assert.Contains("Penicillin G", card.GetProperty("summary").GetString());
        var action = card.GetProperty("suggestions")[0].GetProperty("actions")[0];
        Assert.Equal(("delete", "MedicationRequest/draft-1"), (action.GetProperty("type").GetString(), action.GetProperty("resourceId").GetString()));
    }

    public static TheoryData<string, string> MalformedRequests => new()
    {
        { "not json", "{ hook: " },
        { "not an object", "[]" },
        { "no hookInstance", """{"hook":"patient-view","context":{"userId":"Practitioner/1","patientId":"p1"}}""" },
        { "hookInstance not a uuid", """{"hook":"patient-view","hookInstance":"x","context":{"userId":"Practitioner/1","patientId":"p1"}}""" },
        { "wrong hook", """{"hook":"order-sign","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/1","patientId":"p1"}}""" },
        { "no context", """{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"}""" },
        { "no patientId", """{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/1"}}""" },
        { "fhirAuthorization without fhirServer", """{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/1","patientId":"p1"},"fhirAuthorization":{"access_token":"x","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"cds"}}""" },
        { "an untrusted fhirServer", """{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","fhirServer":"http://169.254.169.254/fhir","context":{"userId":"Practitioner/1","patientId":"p1"}}""" },
        { "prefetch not a resource", """{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/1","patientId":"p1"},"prefetch":{"patient":"Patient/p1"}}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task A_malformed_hook_request_is_a_400_with_problem_details(string why, string json)
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();

        var (status, body) = await _cds.PostAsync($"/cds-services/{PatientView}", admin.Token, json);

        Assert.True(status == 400, $"{why}: {status} {body}");
        Assert.Equal(400, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Order_select_without_draft_orders_is_a_400_and_an_unknown_service_a_404()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();
        var patient = await _cds.Workflow.KnownPatientAsync(admin);

        var (noDrafts, problem) = await _cds.HookAsync(OrderSelect, admin.Token, Request("order-select", patient, DiabeticPrefetch(patient)));
        var (unknown, _) = await _cds.HookAsync("no-such-service", admin.Token, Request("patient-view", patient, DiabeticPrefetch(patient)));
        var (unknownFeedback, _) = await _cds.PostAsync("/cds-services/no-such-service/feedback", admin.Token, "{}");
        var (anonymous, _) = await _cds.HookAsync(PatientView, null, Request("patient-view", patient, DiabeticPrefetch(patient)));

        Assert.Equal(400, noDrafts);
        Assert.True(problem.GetProperty("errors").TryGetProperty("context.draftOrders", out _), problem.ToString());
        Assert.Equal(404, unknown);
        Assert.Equal(404, unknownFeedback);
        Assert.Equal(401, anonymous);
    }

    [Fact]
    public async Task A_patient_of_another_organization_is_refused_and_prefetch_of_another_patient_is_a_400()
    {
        var ours = await _cds.Workflow.NewOrganizationAdminAsync();
        var theirs = await _cds.Workflow.NewOrganizationAdminAsync();
        var theirPatient = await _cds.Workflow.KnownPatientAsync(theirs);
        var ourPatient = await _cds.Workflow.KnownPatientAsync(ours);

        var (refused, _) = await _cds.HookAsync(PatientView, ours.Token, Request("patient-view", theirPatient, DiabeticPrefetch(theirPatient)));
        var (unknown, _) = await _cds.HookAsync(PatientView, ours.Token, Request("patient-view", Guid.NewGuid(), DiabeticPrefetch(Guid.NewGuid())));
        // Our patient's context with their patient's data.
        var mixed = DiabeticPrefetch(ourPatient);
        mixed["observations"] = Searchset(Lab(theirPatient, "4548-4", 7, "%", DateTimeOffset.UtcNow));
        var (stranger, problem) = await _cds.HookAsync(PatientView, ours.Token, Request("patient-view", ourPatient, mixed));

        Assert.Equal(403, refused);
        Assert.Equal(403, unknown);
        Assert.True(stranger == 400, problem.ToString());
        Assert.Equal(0L, await _cds.Workflow.ScalarAsync("""SELECT count(*) FROM patient_access_audit WHERE @p = ANY(patient_ids)""", ("p", theirPatient)));
    }

    private sealed class Bearer(string token) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task Without_prefetch_the_service_reads_the_platform_s_FHIR_server_with_the_given_token_and_refuses_another_organization_s_patient()
    {
        var ours = await _cds.Workflow.NewOrganizationAdminAsync();
        var theirs = await _cds.Workflow.NewOrganizationAdminAsync();
        var gatewayFhir = new Uri(stack.App.GetEndpoint("gateway", "http"), "/fhir");
        var fhir = new FhirClient(gatewayFhir, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false }, new Bearer(ours.Token));
        var created = await fhir.CreateAsync(new Patient
        {
            Name = [new HumanName { Family = "Okafor", Given = ["Ada"] }], BirthDate = DateTime.UtcNow.AddYears(-70).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Gender = AdministrativeGender.Female,
        });
        var patient = Guid.Parse(created!.Id!);

        JsonObject Fetching(ServiceCaller.User user)
        {
            var request = Request("patient-view", patient, prefetch: null);
            request["fhirServer"] = gatewayFhir.ToString();
            request["fhirAuthorization"] = new JsonObject
            {
                ["access_token"] = user.Token, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "medicalhub-ehr",
            };
            return request;
        }

        var (status, body) = await _cds.HookAsync(PatientView, ours.Token, Fetching(ours));
        var (refused, _) = await _cds.HookAsync(PatientView, theirs.Token, Fetching(theirs));
        var (wrongToken, _) = await _cds.HookAsync(PatientView, ours.Token, Fetching(theirs));
        var (noServer, _) = await _cds.HookAsync(PatientView, ours.Token, Request("patient-view", patient, new JsonObject { ["patient"] = Patient(patient) }));

        Assert.True(status == 200, body.ToString());
        // Read from the server: the patient is 70, so the vaccination rule applies (the server has no Immunization, which a card says).
        var topics = body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("source").TryGetProperty("topic", out var t) ? t.GetProperty("code").GetString() : "missing-data").ToList();
        Assert.Contains("pneumococcal-vaccination-due", topics);
        Assert.Equal(403, refused);
        Assert.Equal(403, wrongToken);
        Assert.True(noServer is 412 or 403, $"{noServer}");
    }

    [Fact]
    public async Task Feedback_is_stored_and_malformed_feedback_is_a_400()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();
        var card = Guid.NewGuid();
        var feedback = new JsonObject
        {
            ["feedback"] = new JsonArray(
                new JsonObject
                {
                    ["card"] = card.ToString(), ["outcome"] = "overridden", ["outcomeTimestamp"] = "2026-12-03T10:00:00Z",
                    ["overrideReason"] = new JsonObject { ["reason"] = new JsonObject { ["code"] = "patient-declined", ["system"] = "https://medicalhub.example/fhir/CodeSystem/cds-override-reason" }, ["userComment"] = "Declined today" },
                },
                new JsonObject { ["card"] = card.ToString(), ["outcome"] = "accepted", ["outcomeTimestamp"] = "2026-12-03T10:01:00Z", ["acceptedSuggestions"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString() }) }),
        };

        var (ok, okBody) = await _cds.PostAsync($"/cds-services/{PatientView}/feedback", admin.Token, feedback.ToJsonString());
        var (badOutcome, _) = await _cds.PostAsync($"/cds-services/{PatientView}/feedback", admin.Token,
            """{"feedback":[{"card":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","outcome":"ignored","outcomeTimestamp":"2026-12-03T10:00:00Z"}]}""");
        var (acceptedWithout, _) = await _cds.PostAsync($"/cds-services/{PatientView}/feedback", admin.Token,
            """{"feedback":[{"card":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","outcome":"accepted","outcomeTimestamp":"2026-12-03T10:00:00Z"}]}""");
        var (empty, _) = await _cds.PostAsync($"/cds-services/{PatientView}/feedback", admin.Token, """{"feedback":[]}""");

        Assert.True(ok == 200, okBody.ToString());
        Assert.Equal(2L, await _cds.Workflow.ScalarAsync("""SELECT count(*) FROM cds_feedback WHERE card_uuid = @c""", ("c", card)));
        Assert.Equal("Declined today", await _cds.Workflow.ScalarAsync("""SELECT user_comment FROM cds_feedback WHERE card_uuid = @c AND outcome = 'overridden'""", ("c", card)));
        Assert.Equal(400, badOutcome);
        Assert.Equal(400, acceptedWithout);
        Assert.Equal(400, empty);
    }
}
