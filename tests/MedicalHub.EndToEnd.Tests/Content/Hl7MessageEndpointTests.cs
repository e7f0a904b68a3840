using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// HL7 v2 over HTTP (<c>POST /api/hl7/messages</c>, through the gateway): every message read is answered by its ACK —
/// AA when kept and applied, AE/AR with the reason in ERR otherwise; ADT^A01/A04/A08 register and update the patient
/// matched by PID-3 within the sender's organization only; ambiguous ADT messages wait for a person; results that become
/// a patient's are announced as <c>observation.recorded</c>.
/// </summary>
public sealed class Hl7MessageEndpointTests(StackFixture stack) : IDisposable
{
    private const string Er7 = "x-application/hl7-v2+er7";
    private const string HospitalOid = "1.2.250.1.71.4.2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _gateway = new(stack, GatewayUnderTest.Name);

    public void Dispose() => _gateway.Dispose();

    private static string Adt(string trigger, string pid, string controlId = "") => string.Join('\r',
        $"MSH|^~\\&|ADMIT|CITYHOSP|MEDICALHUB|PRACTICE|20261201083000||ADT^{trigger}^ADT_A01|{(controlId.Length > 0 ? controlId : "CTL" + Guid.NewGuid().ToString("N")[..12])}|P|2.5.1",
        $"EVN|{trigger}|20261201083000",
        pid,
        "PV1|1|O") + "\r";

    private static string Pid(string mrn, string sex = "F", string birth = "19750304", string address = "3 rue Victor Hugo^^Paris^^75001^FR^H",
        string authority = $"CITYHOSP&{HospitalOid}&ISO") =>
        $"PID|1||{mrn}^^^{authority}^MR||Martin^Louise^Anne^^^^L||{birth}|{sex}|||{address}||^PRN^PH^^33^1^44556677";

    private static string Oru(string mrn) => string.Join('\r',
        "MSH|^~\\&|LAB|CITYLAB|MEDICALHUB|PRACTICE|20261201083000||ORU^R01^ORU_R01|LAB" + Guid.NewGuid().ToString("N")[..12] + "|P|2.5.1",
        $"PID|1||{mrn}^^^CITYLAB^MR||Durand^Claire||19800517|F",
        "OBR|1|ORD1|FIL1|4548-4^Hemoglobin A1c^LN|||20261201071500",
        "OBX|1|NM|4548-4^Hemoglobin A1c^LN||8.1|%|4.0-5.6|H|||F|||20261201071500") + "\r";

    private static string NewMrn() => "H" + Random.Shared.Next(10_000_000, 99_999_999);

    [Fact]
    public async Task An_adt_registers_then_updates_the_patient_it_names_in_the_sender_s_organization_only()
    {
        var admin = await _gateway.Caller.NewOrganizationAdminAsync();
        var stranger = await _gateway.Caller.NewOrganizationAdminAsync();
        var mrn = NewMrn();
        var identifier = $"urn:oid:{HospitalOid}|{mrn}";

        var registration = Adt("A04", Pid(mrn));
        var (status, ack, contentType) = await PostAsync(admin.Token, registration);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Er7, contentType);
        Assert.Equal("AA", Msa(ack)[1]);
        Assert.Equal(ControlId(registration), Msa(ack)[2]);
        Assert.StartsWith("MSH|^~\\&|MEDICALHUB|PRACTICE|ADMIT|CITYHOSP|", ack, StringComparison.Ordinal);

        var patient = Assert.Single(await FindAsync(admin, identifier));
        var id = patient.GetProperty("id").GetGuid();
        var name = patient.GetProperty("names")[0];
        Assert.Equal("official", name.GetProperty("use").GetString());
        Assert.Equal("Martin", name.GetProperty("family").GetString());
        Assert.Equal(["Louise", "Anne"], name.GetProperty("given").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("1975-03-04", patient.GetProperty("birthDate").GetString());
        Assert.Equal("female", patient.GetProperty("gender").GetString());
        Assert.Equal("Paris", patient.GetProperty("addresses")[0].GetProperty("city").GetString());
        Assert.Equal(2, patient.GetProperty("identifiers").GetArrayLength()); // the hospital's, and the practice's MRN
        Assert.Equal(1, patient.GetProperty("version").GetInt32());

        // A08: a new address, sex sent as "" (cleared), birth date not sent (kept).
        var update = Adt("A08", Pid(mrn, sex: "\"\"", birth: "", address: "8 quai Saint-Vincent^^Lyon^^69001^FR^H"));
        (status, ack, _) = await PostAsync(admin.Token, update);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AA", Msa(ack)[1]);
        patient = Assert.Single(await FindAsync(admin, identifier));
        Assert.Equal(id, patient.GetProperty("id").GetGuid());
        Assert.Equal(2, patient.GetProperty("version").GetInt32());
        Assert.Equal("Lyon", patient.GetProperty("addresses")[0].GetProperty("city").GetString());
        Assert.Equal("1975-03-04", patient.GetProperty("birthDate").GetString());
        Assert.Equal(JsonValueKind.Null, patient.GetProperty("gender").ValueKind);
        Assert.Equal(2, patient.GetProperty("identifiers").GetArrayLength());

        // The sender retries after a lost ACK: answered AA again, applied once.
        (status, ack, _) = await PostAsync(admin.Token, update);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AA", Msa(ack)[1]);
        Assert.Equal(2, Assert.Single(await FindAsync(admin, identifier)).GetProperty("version").GetInt32());

        // Both messages are kept as the patient's administrative documents.
        using (var documents = await _gateway.GetAsync($"/api/documents?patientId={id}", admin.Token))
        {
            var items = (await ServiceCaller.JsonAsync(documents)).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(2, items.Count);
            Assert.All(items, d => Assert.Equal("administrative", d.GetProperty("category").GetString()));
            Assert.All(items, d => Assert.Equal(Er7, d.GetProperty("mediaType").GetString()));
        }

        // Another organization sending the same registration gets a patient of its own; ours is untouched and unseen.
        (status, ack, _) = await PostAsync(stranger.Token, registration);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AA", Msa(ack)[1]);
        var theirs = Assert.Single(await FindAsync(stranger, identifier));
        Assert.NotEqual(id, theirs.GetProperty("id").GetGuid());
        Assert.Equal(1, theirs.GetProperty("version").GetInt32());
        Assert.Equal(2, Assert.Single(await FindAsync(admin, identifier)).GetProperty("version").GetInt32());

        var records = await PatientClient.AccessRecordsAsync(_gateway.Caller, admin, id);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "create" && r.GetProperty("resourceType").GetString() == "Patient");
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "update" && r.GetProperty("resourceType").GetString() == "Patient");
    }

    [Fact]
    public async Task An_adt_no_single_patient_matches_waits_for_a_person_who_applies_it_to_the_right_patient()
    {
        var admin = await _gateway.Caller.NewOrganizationAdminAsync();
        var stranger = await _gateway.Caller.NewOrganizationAdminAsync();
        var mrn = NewMrn();
        var first = (await PatientClient.CreateAsync(_gateway.Caller, admin, PatientClient.Details("Martin", "Louise", "1975-03-04", "female",
            new { system = "urn:oid:1.2.3.4", value = mrn }))).GetProperty("id").GetGuid();
        var second = (await PatientClient.CreateAsync(_gateway.Caller, admin, PatientClient.Details("Martin", "Lucie", "1976-03-04", "female",
            new { system = "urn:oid:9.9.9", value = mrn }))).GetProperty("id").GetGuid();
        var strangersPatient = (await PatientClient.CreateAsync(_gateway.Caller, stranger, PatientClient.Details("Martin", "Louise"))).GetProperty("id").GetGuid();

        // The hospital's identifier value is held by two patients under other authorities: accepted, not applied, a warning says so.
        var (status, ack, _) = await PostAsync(admin.Token, Adt("A08", Pid(mrn, address: "8 quai Saint-Vincent^^Lyon^^69001^FR^H")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AA", Msa(ack)[1]);
        var warning = Assert.Single(Segments(ack, "ERR"));
        Assert.Equal("W", warning[4]);
        Assert.Contains("manual review", warning[8], StringComparison.Ordinal);
        Assert.DoesNotContain(mrn, ack, StringComparison.Ordinal);
        Assert.Equal(1, await VersionAsync(admin, first));
        Assert.Equal(1, await VersionAsync(admin, second));

        var review = Assert.Single(await ReviewsAsync(admin));
        Assert.Equal("A08", review.GetProperty("triggerEvent").GetString());
        Assert.Equal(new[] { first, second }.Order(), review.GetProperty("candidatePatientIds").EnumerateArray().Select(c => c.GetGuid()).Order());
        var reviewId = review.GetProperty("id").GetGuid();

        // Another organization neither sees nor resolves it; its patient is not ours to choose.
        Assert.Empty(await ReviewsAsync(stranger));
        using (var theirs = await _gateway.Caller.SendAsync(HttpMethod.Post, $"/api/hl7/reviews/{reviewId}/resolve", stranger.Token, new { patientId = strangersPatient }))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }
        using (var wrongPatient = await _gateway.Caller.SendAsync(HttpMethod.Post, $"/api/hl7/reviews/{reviewId}/resolve", admin.Token, new { patientId = strangersPatient }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongPatient.StatusCode);
            Assert.Equal("application/problem+json", wrongPatient.Content.Headers.ContentType?.MediaType);
        }

        using (var resolved = await _gateway.Caller.SendAsync(HttpMethod.Post, $"/api/hl7/reviews/{reviewId}/resolve", admin.Token, new { patientId = first }))
        {
            Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
            var body = await ServiceCaller.JsonAsync(resolved);
            Assert.Equal(first, body.GetProperty("patientId").GetGuid());
            Assert.False(body.GetProperty("created").GetBoolean());
        }
        Assert.Empty(await ReviewsAsync(admin));
        var updated = Assert.Single(await FindAsync(admin, $"urn:oid:{HospitalOid}|{mrn}"));
        Assert.Equal(first, updated.GetProperty("id").GetGuid());
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal("Lyon", updated.GetProperty("addresses")[0].GetProperty("city").GetString());
        Assert.Equal(1, await VersionAsync(admin, second));
        using (var again = await _gateway.Caller.SendAsync(HttpMethod.Post, $"/api/hl7/reviews/{reviewId}/resolve", admin.Token, new { patientId = first }))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
    }

    [Fact]
    public async Task Messages_that_cannot_be_taken_are_answered_with_a_nak_naming_the_reason_and_change_nothing()
    {
        var admin = await _gateway.Caller.NewOrganizationAdminAsync();
        var mrn = NewMrn();

        var (status, ack, contentType) = await PostAsync(admin.Token, "this is not HL7");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(Er7, contentType);
        Assert.Equal("AR", Msa(ack)[1]);
        Assert.NotEmpty(Segments(ack, "ERR"));

        (status, ack, _) = await PostAsync(admin.Token, Adt("A04", "PID|1||^^^CITYHOSP^MR||Martin^Louise||19750304|F"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("AE", Msa(ack)[1]);
        Assert.StartsWith("101", Assert.Single(Segments(ack, "ERR"))[3], StringComparison.Ordinal);

        (status, ack, _) = await PostAsync(admin.Token, Adt("A03", Pid(mrn)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("AR", Msa(ack)[1]);
        Assert.StartsWith("201", Assert.Single(Segments(ack, "ERR"))[3], StringComparison.Ordinal);

        (status, ack, _) = await PostAsync(admin.Token, "MSH|^~\\&|ORDERS|CITYHOSP|MEDICALHUB|PRACTICE|20261201083000||ORM^O01|ORD1|P|2.5.1\rPID|1||X1\r");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("AR", Msa(ack)[1]);
        Assert.StartsWith("200", Assert.Single(Segments(ack, "ERR"))[3], StringComparison.Ordinal);

        // The registry's rules hold: a birth date in the future is refused with the field named, not its value.
        (status, ack, _) = await PostAsync(admin.Token, Adt("A04", Pid(mrn, birth: "21000101")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("AE", Msa(ack)[1]);
        var error = Assert.Single(Segments(ack, "ERR"));
        Assert.StartsWith("PID^1^7", error[2], StringComparison.Ordinal);
        Assert.Contains("birthDate", error[8], StringComparison.Ordinal);
        Assert.Empty(await FindAsync(admin, $"urn:oid:{HospitalOid}|{mrn}"));

        // A user who may file documents but not change patients: the ADT is refused.
        var clerk = await _gateway.Caller.MemberAsync(admin, await _gateway.Caller.CustomRoleAsync(admin, "documents:write", "patients:read"));
        (status, ack, _) = await PostAsync(clerk.Token, Adt("A04", Pid(mrn)));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("AR", Msa(ack)[1]);
        Assert.Empty(await FindAsync(admin, $"urn:oid:{HospitalOid}|{mrn}"));

        // HTTP-level refusals are ProblemDetails.
        using (var json = new ByteArrayContent(Encoding.ASCII.GetBytes(Adt("A04", Pid(mrn)))))
        {
            json.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hl7/messages") { Content = json };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
            using var response = await _gateway.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        (status, _, _) = await PostAsync(null, Adt("A04", Pid(mrn)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(await FindAsync(admin, $"urn:oid:{HospitalOid}|{mrn}"));
    }

    [Fact]
    public async Task Results_received_framed_become_the_patient_s_observations_and_are_announced_as_observation_recorded()
    {
        var admin = await _gateway.Caller.NewOrganizationAdminAsync();
        var mrn = "LAB" + Random.Shared.Next(1_000_000, 9_999_999);
        var patient = (await PatientClient.CreateAsync(_gateway.Caller, admin,
            PatientClient.Details("Durand", "Claire", "1980-05-17", "female", new { system = "urn:oid:1.2.250.1.999", value = mrn }))).GetProperty("id").GetGuid();

        var framed = "\v" + Oru(mrn) + "\u001c\r"; // MLLP: 0x0B … 0x1C 0x0D
        var (status, ack, _) = await PostAsync(admin.Token, framed);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AA", Msa(ack)[1]);

        var deliveries = await FakeEventSubscriber.WaitAsync(admin.OrganizationId, d => d.Any(e => e.Type == "observation.recorded"));
        var recorded = Assert.Single(deliveries, d => d.Type == "observation.recorded").Data;
        Assert.Equal(patient, recorded.GetProperty("patientId").GetGuid());
        Assert.Equal("4548-4", recorded.GetProperty("code").GetString());
        Assert.Equal("http://loinc.org", recorded.GetProperty("system").GetString());
        Assert.Equal(8.1m, recorded.GetProperty("value").GetDecimal());
        Assert.Equal("%", recorded.GetProperty("unit").GetString());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 15, 0, TimeSpan.Zero), recorded.GetProperty("effectiveAt").GetDateTimeOffset());

        // Results of an unknown patient are announced only once a person matches them.
        (status, ack, _) = await PostAsync(admin.Token, Oru("UNKNOWN" + Random.Shared.Next(1_000_000, 9_999_999)));
        Assert.Equal("AA", Msa(ack)[1]);
        JsonElement[] unmatched = [];
        await DocumentsClient.EventuallyAsync(async () =>
        {
            using var response = await _gateway.GetAsync("/api/observations/unmatched", admin.Token);
            unmatched = [.. (await ServiceCaller.JsonAsync(response)).EnumerateArray()];
            return unmatched.Length == 1;
        }, "the unmatched results listed");
        Assert.Single(FakeEventSubscriber.Of(admin.OrganizationId), d => d.Type == "observation.recorded");
        using (var match = await _gateway.Caller.SendAsync(HttpMethod.Post, $"/api/observations/unmatched/{unmatched[0].GetProperty("documentId").GetGuid()}/match",
                   admin.Token, new { patientId = patient }))
        {
            Assert.Equal(HttpStatusCode.OK, match.StatusCode);
        }
        deliveries = await FakeEventSubscriber.WaitAsync(admin.OrganizationId, d => d.Count(e => e.Type == "observation.recorded") == 2);
        Assert.All(deliveries.Where(d => d.Type == "observation.recorded"), d => Assert.Equal(patient, d.Data.GetProperty("patientId").GetGuid()));
    }

    /// <summary>
    /// Mutated messages through the whole intake (parser, mappings, registry rules, storage, ACK): every answer is an ACK
    /// that parses, AA 200, AE/AR 422 or AR 400 — never a 5xx. The seed is printed on failure (Hl7FuzzTests fuzz the
    /// parser alone at length; this keeps the endpoint's own decisions honest).
    /// </summary>
    [Fact]
    public async Task Mutated_messages_are_always_answered_with_an_ack_and_never_a_server_error()
    {
        var admin = await _gateway.Caller.NewOrganizationAdminAsync();
        var seed = Environment.GetEnvironmentVariable("MEDICALHUB_HL7_ENDPOINT_FUZZ_SEED") is { } given ? int.Parse(given, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        string[] seeds = [Adt("A04", Pid(NewMrn())), Adt("A08", Pid(NewMrn(), sex: "\"\"", address: "")), Oru(NewMrn())];
        char[] interesting = ['|', '^', '~', '\\', '&', '\r', '"', 'A', '0', '9', ' ', '\t', 'é', '.'];
        var answered = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 150; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Length)]);
            for (var m = random.Next(1, 4); m > 0 && text.Length > 0; m--)
            {
                var at = random.Next(text.Length);
                var c = interesting[random.Next(interesting.Length)];
                switch (random.Next(4))
                {
                    case 0: text[at] = c; break;
                    case 1: text.Insert(at, c); break;
                    case 2: text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at)); break;
                    default: text.Insert(at, new string(c, random.Next(1, 300))); break;
                }
            }
            var message = text.ToString();
            var (status, ack, contentType) = await PostAsync(admin.Token, message);
            var context = $"seed {seed}, message {i}: {(int)status} for {message.Replace('\r', '\n')}\n{ack}";
            Assert.True(contentType == Er7, context);
            var code = Msa(ack)[1];
            Assert.True((code, status) is ("AA", HttpStatusCode.OK) or ("AE" or "AR", HttpStatusCode.UnprocessableEntity) or ("AR", HttpStatusCode.BadRequest), context);
            answered[code] = answered.GetValueOrDefault(code) + 1;
        }
        // The mutations must reach both sides, or the property proves little.
        Assert.True(answered.GetValueOrDefault("AA") >= 10 && answered.GetValueOrDefault("AR") + answered.GetValueOrDefault("AE") >= 10,
            $"seed {seed}: {string.Join(", ", answered.Select(a => $"{a.Key} {a.Value}"))}");
    }

    private async Task<(HttpStatusCode Status, string Body, string? ContentType)> PostAsync(string? token, string message)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(message));
        content.Headers.TryAddWithoutValidation("Content-Type", Er7);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hl7/messages") { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _gateway.Http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Content.Headers.ContentType?.MediaType);
    }

    private static string ControlId(string message) => message.Split('\r')[0].Split('|')[9];

    /// <summary>The ACK's segments named <paramref name="id"/>, split into fields by the ACK's own field separator (the original's).</summary>
    private static string[][] Segments(string ack, string id)
    {
        Assert.True(ack.StartsWith("MSH", StringComparison.Ordinal) && ack.Length > 3, $"not an ACK: {ack}");
        var separator = ack[3];
        return [.. ack.Split('\r', StringSplitOptions.RemoveEmptyEntries).Where(s => s.StartsWith(id + separator, StringComparison.Ordinal)).Select(s => s.Split(separator))];
    }

    private static string[] Msa(string ack) => Assert.Single(Segments(ack, "MSA"));

    private async Task<JsonElement[]> FindAsync(ServiceCaller.User user, string identifier) =>
        [.. (await PatientClient.SearchAsync(_gateway.Caller, user, "identifier=" + Uri.EscapeDataString(identifier))).GetProperty("items").EnumerateArray()];

    private async Task<int> VersionAsync(ServiceCaller.User user, Guid patient)
    {
        using var response = await _gateway.GetAsync($"/api/patients/{patient}", user.Token);
        return (await ServiceCaller.JsonAsync(response)).GetProperty("version").GetInt32();
    }

    private async Task<JsonElement[]> ReviewsAsync(ServiceCaller.User user)
    {
        using var response = await _gateway.GetAsync("/api/hl7/reviews", user.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ServiceCaller.JsonAsync(response)).EnumerateArray()];
    }
}
