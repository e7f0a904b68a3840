using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.DecisionSupport.CdsHooksClient;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.EndToEnd.Tests.DecisionSupport;

/// <summary>An organization's FHIRPath rules: the starter library, versions, tests against a sample patient, activation, and a runaway rule time-boxed on a hook.</summary>
public sealed class DecisionRulesTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CdsHooksClient _cds = new(stack);

    public void Dispose() => _cds.Dispose();

    private static string RuleJson(string key, string condition, string summary = "Custom rule fired", string applicability = "true") => new JsonObject
    {
        ["key"] = key,
        ["title"] = "A custom rule",
        ["hooks"] = new JsonArray("patient-view"),
        ["applicability"] = applicability,
        ["condition"] = condition,
        ["card"] = new JsonObject { ["summary"] = summary, ["indicator"] = "info", ["detail"] = "Observations: {{%observations.count()}}" },
    }.ToJsonString();

    private async Task<JsonElement> OkAsync(HttpMethod method, string path, string token, string? json = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _cds.Workflow.SendJsonAsync(method, path, token, json ?? "{}");
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task An_organization_starts_with_the_active_starter_library()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();

        var rules = await OkAsync(HttpMethod.Get, "/api/decision-rules", admin.Token);

        Assert.Equal(["abnormal-lab-without-follow-up", "allergy-conflict", "duplicate-therapy", "hba1c-overdue", "metformin-renal", "pneumococcal-vaccination-due"],
            rules.EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        Assert.All(rules.EnumerateArray(), r => Assert.Equal(("active", 1, true),
            (r.GetProperty("status").GetString(), r.GetProperty("version").GetInt32(), r.GetProperty("fromStarterLibrary").GetBoolean())));
    }

    [Fact]
    public async Task A_new_version_is_a_draft_until_activated_is_tested_on_a_sample_patient_and_then_retires_the_one_before()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();
        var patient = await _cds.Workflow.KnownPatientAsync(admin);
        // Version 2 of the HbA1c rule: overdue after 3 months (the prefetch's HbA1c is 8 months old, so both fire; the summary tells them apart).
        var version2 = RuleJson("hba1c-overdue", "%observations.where(code.coding.code = '4548-4' and effective.ofType(dateTime) > now() - 3 months).empty()",
            "HbA1c overdue (3-month rule)", StarterApplicability);

        var created = await OkAsync(HttpMethod.Post, "/api/decision-rules", admin.Token, version2, HttpStatusCode.Created);
        Assert.Equal((2, "draft"), (created.GetProperty("version").GetInt32(), created.GetProperty("status").GetString()));

        var before = await _cds.HookAsync(PatientView, admin.Token, Request("patient-view", patient, DiabeticPrefetch(patient)));
        Assert.DoesNotContain("3-month", before.Body.GetProperty("cards")[0].GetProperty("summary").GetString());

        var sample = new JsonObject { ["bundle"] = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "collection",
            ["entry"] = new JsonArray(
                new JsonObject { ["resource"] = Patient(patient) },
                new JsonObject { ["resource"] = Diabetes(patient) },
                new JsonObject { ["resource"] = Lab(patient, "4548-4", 7, "%", DateTimeOffset.UtcNow.AddMonths(-4)) }),
        } }.ToJsonString();
        var tested = await OkAsync(HttpMethod.Post, "/api/decision-rules/hba1c-overdue/versions/2/test", admin.Token, sample);
        var testedV1 = await OkAsync(HttpMethod.Post, "/api/decision-rules/hba1c-overdue/versions/1/test", admin.Token, sample);
        Assert.Equal("fired", tested.GetProperty("result").GetString());
        Assert.Equal("Observations: 1", tested.GetProperty("card").GetProperty("detail").GetString());
        Assert.Equal("not-fired", testedV1.GetProperty("result").GetString());

        await OkAsync(HttpMethod.Post, "/api/decision-rules/hba1c-overdue/versions/2/activate", admin.Token);

        var rules = await OkAsync(HttpMethod.Get, "/api/decision-rules", admin.Token);
        Assert.Equal(["retired", "active"], rules.EnumerateArray().Where(r => r.GetProperty("key").GetString() == "hba1c-overdue").Select(r => r.GetProperty("status").GetString()));
        var after = await _cds.HookAsync(PatientView, admin.Token, Request("patient-view", patient, DiabeticPrefetch(patient)));
        Assert.Equal("HbA1c overdue (3-month rule)", Assert.Single(after.Body.GetProperty("cards").EnumerateArray()).GetProperty("summary").GetString());
    }

    private const string StarterApplicability = "%conditions.where(code.coding.where(system = 'http://snomed.info/sct' and code = '44054006').exists()).exists()";

    [Fact]
    public async Task A_rule_that_does_not_compile_or_has_a_bad_card_is_a_400()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();

        using var unparsable = await _cds.Workflow.SendJsonAsync(HttpMethod.Post, "/api/decision-rules", admin.Token, RuleJson("broken", "%observations.where("));
        using var longSummary = await _cds.Workflow.SendJsonAsync(HttpMethod.Post, "/api/decision-rules", admin.Token, RuleJson("long", "true", new string('x', 150)));
        using var badKey = await _cds.Workflow.SendJsonAsync(HttpMethod.Post, "/api/decision-rules", admin.Token, RuleJson("Not A Slug", "true"));

        Assert.Equal(HttpStatusCode.BadRequest, unparsable.StatusCode);
        Assert.Contains("condition", await unparsable.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, longSummary.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
    }

    [Fact]
    public async Task Another_organization_s_rules_are_not_found_and_a_member_without_workflows_manage_cannot_change_them()
    {
        var ours = await _cds.Workflow.NewOrganizationAdminAsync();
        var theirs = await _cds.Workflow.NewOrganizationAdminAsync();
        await OkAsync(HttpMethod.Post, "/api/decision-rules", ours.Token, RuleJson("ours-only", "true"), HttpStatusCode.Created);
        var readerRole = await _cds.Workflow.Caller.CustomRoleAsync(ours, "workflows:read", "patients:read");
        var reader = await _cds.Workflow.MemberAsync(ours, readerRole);

        using var activate = await _cds.Workflow.SendJsonAsync(HttpMethod.Post, "/api/decision-rules/ours-only/versions/1/activate", theirs.Token, "{}");
        using var test = await _cds.Workflow.SendJsonAsync(HttpMethod.Post, "/api/decision-rules/ours-only/versions/1/test", theirs.Token, """{"bundle":{"resourceType":"Bundle","type":"collection"}}""");
        using var byReader = await _cds.Workflow.SendJsonAsync(HttpMethod.Post, "/api/decision-rules/ours-only/versions/1/activate", reader.Token, "{}");
        var theirRules = await OkAsync(HttpMethod.Get, "/api/decision-rules", theirs.Token);

        Assert.Equal(HttpStatusCode.NotFound, activate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, test.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byReader.StatusCode);
        Assert.DoesNotContain(theirRules.EnumerateArray(), r => r.GetProperty("key").GetString() == "ours-only");
    }

    [Fact]
    public async Task A_runaway_rule_is_time_boxed_its_card_skipped_and_its_failure_recorded_while_the_other_rules_answer()
    {
        var admin = await _cds.Workflow.NewOrganizationAdminAsync();
        var patient = await _cds.Workflow.KnownPatientAsync(admin);
        // 60^4 ≈ 13 million combinations: seconds of work, far past the rule time-out (500 ms).
        await OkAsync(HttpMethod.Post, "/api/decision-rules", admin.Token,
            RuleJson("runaway", "%observations.select(%observations.select(%observations.select(%observations))).count() > 0"), HttpStatusCode.Created);
        await OkAsync(HttpMethod.Post, "/api/decision-rules", admin.Token, RuleJson("throws", "%observations.id"), HttpStatusCode.Created);
        await OkAsync(HttpMethod.Post, "/api/decision-rules/runaway/versions/1/activate", admin.Token);
        await OkAsync(HttpMethod.Post, "/api/decision-rules/throws/versions/1/activate", admin.Token);
        var prefetch = DiabeticPrefetch(patient);
        prefetch["observations"] = Searchset([.. Enumerable.Range(0, 60).Select(i => Lab(patient, "2345-7", 90 + i, "mg/dL", DateTimeOffset.UtcNow.AddYears(-2)))]);

        var started = DateTimeOffset.UtcNow;
        var (status, body) = await _cds.HookAsync(PatientView, admin.Token, Request("patient-view", patient, prefetch));
        var took = DateTimeOffset.UtcNow - started;

        Assert.True(status == 200, body.ToString());
        Assert.True(took < TimeSpan.FromSeconds(10), $"The hook took {took}.");
        var topics = body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()).ToList();
        Assert.Contains("hba1c-overdue", topics);
        Assert.DoesNotContain("runaway", topics);
        Assert.DoesNotContain("throws", topics);
        var failures = await OkAsync(HttpMethod.Get, "/api/decision-rules/failures", admin.Token);
        Assert.Equal("timed-out", failures.EnumerateArray().Single(f => f.GetProperty("ruleKey").GetString() == "runaway").GetProperty("kind").GetString());
        Assert.Equal("failed", failures.EnumerateArray().Single(f => f.GetProperty("ruleKey").GetString() == "throws").GetProperty("kind").GetString());
    }
}
