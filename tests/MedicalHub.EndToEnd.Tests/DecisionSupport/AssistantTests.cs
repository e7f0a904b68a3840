using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Content;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using MedicalHub.EndToEnd.Tests.Workflow;
using Hl7.Fhir.Serialization;
using static MedicalHub.EndToEnd.Tests.DecisionSupport.AssistantProviderFakes;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.EndToEnd.Tests.DecisionSupport;

/// <summary>
/// The AI assistant against local fakes of OpenAI's and Anthropic's APIs (<see cref="AssistantProviderFakes"/>): what leaves
/// under each PHI policy, placeholders restored, citations, streaming (directly and through the gateway), the audit of every
/// call, budgets, another organization's patient, and provider failures (429, 500, time-out, a broken stream).
/// </summary>
public sealed class AssistantTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly WorkflowClient _workflow = new(stack);
    private readonly DocumentsClient _documents = new(stack);

    // Without the suite's resilience handler: a retry of a slow assistant call (or of an upload, whose body is spent) would
    // call the provider again, or send nothing.
    private readonly HttpClient _direct = new() { BaseAddress = stack.App.GetEndpoint("workflow", "http"), Timeout = TimeSpan.FromMinutes(2) };
    private readonly HttpClient _content = new() { BaseAddress = stack.App.GetEndpoint("content", "http"), Timeout = TimeSpan.FromMinutes(2) };
    private readonly HttpClient _gateway = new() { BaseAddress = stack.App.GetEndpoint(GatewayUnderTest.Name, "http"), Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose()
    {
        _workflow.Dispose();
        _documents.Dispose();
        _direct.Dispose();
        _content.Dispose();
        _gateway.Dispose();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string token, HttpContent? content = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request, completion, Ct);
    }

    private const string Given = "Dorothea";
    private const string Family = "Quenneville";
    private const string BirthDate = "1961-07-23";
    private const string Phone = "+33 1 23 45 67 89";
    private const string Street = "12 rue des Lilas";
    private static readonly string[] Phi = [Given, Family, BirthDate, Phone, Street, "Lyon", "69003", "2026-11-02"];

    private sealed record Chart(ServiceCaller.User Admin, Guid PatientId, Guid DocumentId, string Marker);

    /// <summary>A new organization whose patient has a plain-text letter full of PHI (its title carries the test's marker).</summary>
    private async Task<Chart> ChartAsync()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var marker = NewMarker();
        using var created = await SendAsync(_content, HttpMethod.Post, "/api/patients", admin.Token, JsonContent.Create(PatientClient.Details(Family, Given, BirthDate)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var patient = (await ServiceCaller.JsonAsync(created)).GetProperty("id").GetGuid();
        var letter = Encoding.UTF8.GetBytes($"{Given} {Family}, born {BirthDate}, seen on 2026-11-02 for chest pain on exertion. Phone {Phone}, {Street}, Lyon 69003. "
            + $"ECG normal, troponin negative. Plan: stress test. {marker}");
        using var form = new MultipartFormDataContent
        {
            { new StringContent($"Cardiology letter {marker}"), "title" },
            { new StringContent("referral"), "category" },
            { new StringContent(patient.ToString()), "patientId" },
        };
        var file = new ByteArrayContent(letter);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        form.Add(file, "file", "letter.txt");
        using var uploaded = await SendAsync(_content, HttpMethod.Post, "/api/documents", admin.Token, form);
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync(Ct));
        var document = (await ServiceCaller.JsonAsync(uploaded)).GetProperty("id").GetGuid();
        return new Chart(admin, patient, document, marker);
    }

    private async Task<JsonElement> SettingsAsync(ServiceCaller.User admin, object settings, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsync(_direct, HttpMethod.Put, "/api/assistant/settings", admin.Token, JsonContent.Create(settings));
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ServiceCaller.User user, string path, object body)
    {
        using var response = await SendAsync(_direct, HttpMethod.Post, path, user.Token, JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement[]> CallsAsync(ServiceCaller.User admin, Guid patientId)
    {
        var calls = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/assistant/calls?patientId={patientId}", admin.Token);
        return [.. calls.EnumerateArray()];
    }

    private static void AssertNoPhi(string sent)
    {
        foreach (var value in Phi)
        {
            Assert.DoesNotContain(value, sent, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Without_a_provider_the_assistant_answers_not_configured()
    {
        var chart = await ChartAsync();

        var (status, body) = await PostAsync(chart.Admin, $"/api/assistant/patients/{chart.PatientId}/summary", new { });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("The AI assistant is not configured.", body.GetProperty("title").GetString());
        var settings = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/assistant/settings", chart.Admin.Token);
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("provider").ValueKind);
        Assert.Equal("refused", Assert.Single(await CallsAsync(chart.Admin, chart.PatientId)).GetProperty("outcome").GetString());
        // A provider the deployment does not have cannot be chosen.
        await SettingsAsync(chart.Admin, new { provider = "no-such-provider", phiPolicy = "deidentified" }, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_deidentified_summary_sends_OpenAI_no_PHI_restores_the_placeholders_cites_the_document_and_is_audited()
    {
        var chart = await ChartAsync();
        await SettingsAsync(chart.Admin, new { provider = OpenAi.Name, phiPolicy = "deidentified" });
        OpenAi.Answer(chart.Marker, _ => FakeAiAnswer.Text("{placeholder} was seen for chest pain; ECG normal [S1]."));

        var (status, answer) = await PostAsync(chart.Admin, $"/api/assistant/patients/{chart.PatientId}/summary", new { documentId = chart.DocumentId });

        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        var sent = Assert.Single(OpenAi.Received(chart.Marker));
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal($"Bearer {OpenAi.ApiKey}", sent.Headers["Authorization"]);
        using var request = JsonDocument.Parse(sent.Body);
        Assert.Equal(OpenAi.Model, request.RootElement.GetProperty("model").GetString());
        Assert.Equal(["system", "user"], request.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        AssertNoPhi(sent.Text);
        Assert.Contains("[NAME-", sent.Text, StringComparison.Ordinal);
        Assert.Contains("troponin negative", sent.Text, StringComparison.Ordinal); // the clinical content does leave

        var text = answer.GetProperty("text").GetString()!;
        Assert.StartsWith(Given, text, StringComparison.Ordinal); // the placeholder restored (the given name, or the full name)
        Assert.DoesNotContain("[NAME-", text, StringComparison.Ordinal);
        var citation = Assert.Single(answer.GetProperty("citations").EnumerateArray());
        Assert.Equal(("S1", $"DocumentReference/{chart.DocumentId}"), (citation.GetProperty("key").GetString(), citation.GetProperty("reference").GetString()));

        var call = Assert.Single(await CallsAsync(chart.Admin, chart.PatientId));
        Assert.Equal(("succeeded", "document-summary", OpenAi.Name, OpenAi.Model, "deidentified"), (call.GetProperty("outcome").GetString(), call.GetProperty("purpose").GetString(),
            call.GetProperty("provider").GetString(), call.GetProperty("model").GetString(), call.GetProperty("phiPolicy").GetString()));
        Assert.Equal((120, 30), (call.GetProperty("inputTokens").GetInt64(), call.GetProperty("outputTokens").GetInt64()));
        Assert.Equal((120 * InputCostPerMillion + 30 * OutputCostPerMillion) / 1_000_000m, call.GetProperty("costEstimate").GetDecimal());
        var prompt = string.Join("\n", sent.Messages);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(prompt))), call.GetProperty("promptHash").GetString());
        Assert.Equal(call.GetProperty("id").GetGuid(), answer.GetProperty("callId").GetGuid());
        Assert.True(call.GetProperty("latencyMilliseconds").GetDouble() > 0);
        Assert.Matches("^[0-9a-f]{64}$", call.GetProperty("answerHash").GetString()!);

        // The same call as a FHIR AuditEvent, read with Firely's parser.
        using var export = await _workflow.SendAsync(HttpMethod.Get, $"/api/assistant/calls/audit-events?patientId={chart.PatientId}", chart.Admin.Token);
        Assert.Equal("application/fhir+json", export.Content.Headers.ContentType?.MediaType);
        var bundle = new FhirJsonDeserializer().Deserialize<Hl7.Fhir.Model.Bundle>(await export.Content.ReadAsStringAsync(Ct));
        var audit = Assert.IsType<Hl7.Fhir.Model.AuditEvent>(Assert.Single(bundle.Entry).Resource);
        Assert.Equal(Hl7.Fhir.Model.AuditEvent.AuditEventOutcome.N0, audit.Outcome);
        Assert.Contains(audit.Entity, e => e.What?.Reference == $"Patient/{chart.PatientId}");
        Assert.Contains(audit.Entity.SelectMany(e => e.Detail), d => d.Type == "input-tokens" && ((Hl7.Fhir.Model.FhirString)d.Value).Value == "120");
    }

    [Fact]
    public async Task Anthropic_streams_a_referral_letter_through_the_gateway_and_full_data_leaves_only_under_a_recorded_agreement()
    {
        var chart = await ChartAsync();
        await SettingsAsync(chart.Admin, new { provider = Anthropic.Name, phiPolicy = "full" }, HttpStatusCode.BadRequest);
        var settings = await SettingsAsync(chart.Admin, new
        {
            provider = Anthropic.Name, phiPolicy = "full", agreement = new { reference = "DPA-2026-017", signedBy = "Dr Lisa Cuddy", signedOn = "2026-11-30" },
            monthlyTokenBudget = 100_000,
        });
        Assert.Equal("DPA-2026-017", settings.GetProperty("agreement").GetProperty("reference").GetString());
        Anthropic.Answer(chart.Marker, _ => FakeAiAnswer.Text("Dear colleague,\n", $"I refer {Given} {Family} ", "for a stress test [S1].", "\nRegards"));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/assistant/patients/{chart.PatientId}/drafts?stream=true")
        {
            Content = JsonContent.Create(new { kind = "referral-letter", instructions = $"to cardiology {chart.Marker}" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", chart.Admin.Token);
        using var response = await _gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ReadEventsAsync(response);
        Assert.True(events.Count(e => e.Name == "text") >= 2, string.Join(" | ", events));
        Assert.Equal($"Dear colleague,\nI refer {Given} {Family} for a stress test [S1].\nRegards", string.Concat(events.Where(e => e.Name == "text").Select(e => e.Data.GetProperty("text").GetString())));
        var done = Assert.Single(events, e => e.Name == "done").Data;
        Assert.Equal("full", done.GetProperty("phiPolicy").GetString());
        Assert.Equal(Anthropic.Model, done.GetProperty("model").GetString());

        var sent = Assert.Single(Anthropic.Received(chart.Marker));
        Assert.Equal("/v1/messages", sent.Path);
        // The key as the SDK sends it (this version puts it in Authorization; x-api-key where it uses that header).
        Assert.Contains(Anthropic.ApiKey, sent.Headers.GetValueOrDefault("x-api-key") ?? sent.Headers["Authorization"], StringComparison.Ordinal);
        Assert.True(sent.Headers.ContainsKey("anthropic-version"));
        Assert.True(sent.Stream);
        Assert.Contains(Family, sent.Text, StringComparison.Ordinal); // full data, as the agreement allows
        var call = Assert.Single(await CallsAsync(chart.Admin, chart.PatientId));
        Assert.Equal(("succeeded", "referral-letter", true), (call.GetProperty("outcome").GetString(), call.GetProperty("purpose").GetString(), call.GetProperty("streamed").GetBoolean()));
        Assert.Equal(120, call.GetProperty("inputTokens").GetInt64());
        Assert.True(call.GetProperty("outputTokens").GetInt64() >= 30);
    }

    [Fact]
    public async Task A_streamed_deidentified_answer_restores_a_placeholder_cut_between_two_chunks()
    {
        var chart = await ChartAsync();
        await SettingsAsync(chart.Admin, new { provider = OpenAi.Name, phiPolicy = "deidentified" });
        OpenAi.Answer(chart.Marker, request =>
        {
            var name = Placeholder().Matches(request.Body).First(m => m.Value.StartsWith("[NAME", StringComparison.Ordinal)).Value;
            var date = Placeholder().Matches(request.Body).First(m => m.Value.StartsWith("[DATE", StringComparison.Ordinal)).Value;
            return FakeAiAnswer.Text("Message for ", name[..4], name[4..], ", born ", date[..3], date[3..], ". See you soon [S1].");
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/assistant/patients/{chart.PatientId}/drafts?stream=true")
        {
            Content = JsonContent.Create(new { kind = "patient-message", instructions = $"stress test booking {chart.Marker}" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", chart.Admin.Token);
        using var response = await _direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var events = await ReadEventsAsync(response);
        var text = string.Concat(events.Where(e => e.Name == "text").Select(e => e.Data.GetProperty("text").GetString()));
        Assert.Matches($"^Message for ({Given}|{Given} {Family}|{Family}), born [^\\[]+\\. See you soon \\[S1\\]\\.$", text);
        Assert.DoesNotContain("[NAME", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DATE", text, StringComparison.Ordinal);
        var sent = Assert.Single(OpenAi.Received(chart.Marker));
        Assert.True(sent.Stream);
        AssertNoPhi(sent.Text);
        Assert.Single(events, e => e.Name == "done");
    }

    [Fact]
    public async Task Provider_failures_are_clear_errors_and_audited_as_failed_and_what_was_sent_holds_no_PHI()
    {
        var chart = await ChartAsync();
        await SettingsAsync(chart.Admin, new { provider = OpenAi.Name, phiPolicy = "deidentified" });
        var cases = new (string Name, FakeAiProvider Provider, FakeAiAnswer Answer, bool Stream, HttpStatusCode Expected, string Title)[]
        {
            ("rate-limited", OpenAi, FakeAiAnswer.Failing(429), false, HttpStatusCode.ServiceUnavailable, "rate-limiting"),
            ("server-error", OpenAi, FakeAiAnswer.Failing(500), true, HttpStatusCode.BadGateway, "failed (500)"),
            ("garbage", OpenAi, FakeAiAnswer.Text() with { GarbageStream = true }, true, HttpStatusCode.BadGateway, "could not be read"),
            ("anthropic-500", Anthropic, FakeAiAnswer.Failing(500), false, HttpStatusCode.BadGateway, "failed (500)"),
            ("timeout", Impatient, FakeAiAnswer.Text("too late [S1]") with { Delay = TimeSpan.FromSeconds(6) }, false, HttpStatusCode.GatewayTimeout, "in time"),
        };
        foreach (var (name, provider, answer, stream, expected, title) in cases)
        {
            await SettingsAsync(chart.Admin, new { provider = provider.Name, phiPolicy = "deidentified" });
            var marker = NewMarker();
            provider.Answer(marker, _ => answer);

            var (status, body) = await PostAsync(chart.Admin, $"/api/assistant/patients/{chart.PatientId}/questions{(stream ? "?stream=true" : "")}",
                new { question = $"What did the cardiologist plan for {Given}? {marker}" });

            Assert.True(status == expected, $"{name}: {(int)status} {body}");
            Assert.Contains(title, body.GetProperty("title").GetString(), StringComparison.Ordinal);
            AssertNoPhi(Assert.Single(provider.Received(marker)).Text);
        }

        var calls = await CallsAsync(chart.Admin, chart.PatientId);
        Assert.Equal(cases.Length, calls.Length);
        Assert.All(calls, c => Assert.Equal("failed", c.GetProperty("outcome").GetString()));
        Assert.Equal([429, 500, 200, 500], calls.Reverse().Take(4).Select(c => c.GetProperty("providerStatus").GetInt32()));
        Assert.StartsWith("The AI provider did not answer in time.", calls[0].GetProperty("failure").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_policy_nothing_refuses_and_a_spent_budget_is_a_429()
    {
        var chart = await ChartAsync();
        await SettingsAsync(chart.Admin, new { provider = OpenAi.Name, phiPolicy = "nothing" });
        var (refused, refusal) = await PostAsync(chart.Admin, $"/api/assistant/patients/{chart.PatientId}/summary", new { });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("policy", refusal.GetProperty("title").GetString(), StringComparison.Ordinal);

        await SettingsAsync(chart.Admin, new { provider = OpenAi.Name, phiPolicy = "deidentified", monthlyTokenBudget = 100 });
        OpenAi.Answer(chart.Marker, _ => FakeAiAnswer.Text("Stable [S1]."));
        var (first, _) = await PostAsync(chart.Admin, $"/api/assistant/patients/{chart.PatientId}/summary", new { });
        var (second, spent) = await PostAsync(chart.Admin, $"/api/assistant/patients/{chart.PatientId}/summary", new { });

        Assert.Equal(HttpStatusCode.OK, first); // 150 tokens: the budget was not spent before the call
        Assert.Equal(HttpStatusCode.TooManyRequests, second);
        Assert.Contains("budget", spent.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Single(OpenAi.Received(chart.Marker));
        var settings = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/assistant/settings", chart.Admin.Token);
        Assert.Equal(150, settings.GetProperty("tokensUsedThisMonth").GetInt64());
        Assert.Equal(["refused", "succeeded", "refused"], (await CallsAsync(chart.Admin, chart.PatientId)).Reverse().Select(c => c.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Another_organizations_patient_and_audit_are_out_of_reach()
    {
        var chart = await ChartAsync();
        await SettingsAsync(chart.Admin, new { provider = OpenAi.Name, phiPolicy = "deidentified" });
        OpenAi.Answer(chart.Marker, _ => FakeAiAnswer.Text("Stable [S1]."));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(chart.Admin, $"/api/assistant/patients/{chart.PatientId}/summary", new { })).Status);
        var stranger = await _workflow.NewOrganizationAdminAsync();
        await SettingsAsync(stranger, new { provider = OpenAi.Name, phiPolicy = "full", agreement = new { reference = "DPA-1", signedBy = "Someone", signedOn = "2026-01-01" } });

        var (status, _) = await PostAsync(stranger, $"/api/assistant/patients/{chart.PatientId}/summary", new { });
        var (documentStatus, _) = await PostAsync(stranger, $"/api/assistant/patients/{chart.PatientId}/summary", new { documentId = chart.DocumentId });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(HttpStatusCode.NotFound, documentStatus);
        Assert.Single(OpenAi.Received(chart.Marker)); // nothing of the patient left for the stranger
        Assert.Empty(await CallsAsync(stranger, chart.PatientId));
        var settings = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/assistant/settings", chart.Admin.Token);
        Assert.Equal("deidentified", settings.GetProperty("phiPolicy").GetString()); // the stranger's settings are their own
    }

    private sealed record ServerEvent(string Name, JsonElement Data);

    private static async Task<List<ServerEvent>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<ServerEvent>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        string? name = null;
        while (await reader.ReadLineAsync(Ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                events.Add(new ServerEvent(name, JsonDocument.Parse(line[6..]).RootElement.Clone()));
                name = null;
            }
        }
        return events;
    }
}
