using System.Net;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// HL7 v2 lab results stored as documents become structured observations: linked to the patient holding the message's
/// identifier, or left for manual matching when none does; read per patient (audited), within the organization only.
/// </summary>
public sealed class Hl7IntakeTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    private static byte[] OruR01(string patientIdentifier) => Encoding.ASCII.GetBytes(string.Join('\r',
        "MSH|^~\\&|LAB|CITYLAB|MEDICALHUB|PRACTICE|20261201083000||ORU^R01^ORU_R01|MSG" + Guid.NewGuid().ToString("N")[..10] + "|P|2.5.1",
        $"PID|1||{patientIdentifier}^^^CITYLAB^MR||Durand^Claire||19800517|F",
        "OBR|1|ORD1|FIL1|24323-8^Comprehensive metabolic panel^LN|||20261201071500",
        "OBX|1|NM|2345-7^Glucose^LN||182|mg/dL|70-99|H|||F|||20261201071500",
        "OBX|2|NM|2160-0^Creatinine^LN||0.9|mg/dL|0.6-1.2|N|||F",
        "OBX|3|ST|8251-1^Service comment^LN||Fasting sample||||||F",
        "") + "\r");

    [Fact]
    public async Task An_oru_message_becomes_the_matched_patient_s_observations_readable_in_the_organization_only_and_audited()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var stranger = await _content.Caller.NewOrganizationAdminAsync();
        var mrn = "LAB" + Random.Shared.Next(1_000_000, 9_999_999);
        var patient = (await PatientClient.CreateAsync(_content.Caller, admin,
            PatientClient.Details("Durand", "Claire", "1980-05-17", "female", new { system = "urn:oid:1.2.250.1.999", value = mrn }))).GetProperty("id").GetGuid();
        var document = await UploadAsync(admin, OruR01(mrn));
        await IndexedAsync(admin, document);

        var page = await ObservationsAsync(admin, patient);
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        var glucose = Assert.Single(page.GetProperty("items").EnumerateArray(), o => o.GetProperty("code").GetString() == "2345-7");
        Assert.Equal("http://loinc.org", glucose.GetProperty("codeSystem").GetString());
        Assert.Equal("Glucose", glucose.GetProperty("display").GetString());
        Assert.Equal(182m, glucose.GetProperty("valueNumber").GetDecimal());
        Assert.Equal("mg/dL", glucose.GetProperty("unit").GetString());
        Assert.Equal(70m, glucose.GetProperty("referenceLow").GetDecimal());
        Assert.Equal(99m, glucose.GetProperty("referenceHigh").GetDecimal());
        Assert.Equal("H", glucose.GetProperty("abnormalFlag").GetString());
        Assert.Equal("final", glucose.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 15, 0, TimeSpan.Zero), glucose.GetProperty("effectiveAt").GetDateTimeOffset());
        Assert.Equal(document, glucose.GetProperty("sourceDocumentId").GetGuid());
        Assert.Equal("Fasting sample", Assert.Single(page.GetProperty("items").EnumerateArray(), o => o.GetProperty("code").GetString() == "8251-1")
            .GetProperty("valueText").GetString());
        Assert.Equal(["2160-0"], (await ObservationsAsync(admin, patient, "&code=2160-0")).GetProperty("items").EnumerateArray().Select(o => o.GetProperty("code").GetString()));

        // Re-processing the message replaces its results rather than adding to them.
        using (var rerun = await _content.Caller.SendAsync(HttpMethod.Post, $"/api/documents/{document}/ingestion/rerun", admin.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        }
        await IndexedAsync(admin, document);
        Assert.Equal(3, (await ObservationsAsync(admin, patient)).GetProperty("total").GetInt32());

        // Another organization: the patient is not found, and a message naming the same identifier matches none of its patients.
        using (var theirs = await _content.GetAsync($"/api/patients/{patient}/observations", stranger.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }
        var strangersMessage = await UploadAsync(stranger, OruR01(mrn));
        await IndexedAsync(stranger, strangersMessage);
        Assert.Equal(3, (await ObservationsAsync(admin, patient)).GetProperty("total").GetInt32());
        Assert.Equal(strangersMessage, Assert.Single(await UnmatchedAsync(stranger)).GetProperty("documentId").GetGuid());

        var records = await PatientClient.AccessRecordsAsync(_content.Caller, admin, patient);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "read" && r.GetProperty("resourceType").GetString() == "Observation"
            && r.GetProperty("query").GetString() == "code");
    }

    [Fact]
    public async Task Results_no_patient_matches_wait_for_manual_matching_and_are_then_the_patient_s()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var stranger = await _content.Caller.NewOrganizationAdminAsync();
        var patient = (await PatientClient.CreateAsync(_content.Caller, admin, PatientClient.Details("Durand", "Claire"))).GetProperty("id").GetGuid();
        var strangersPatient = (await PatientClient.CreateAsync(_content.Caller, stranger, PatientClient.Details("Durand", "Claire"))).GetProperty("id").GetGuid();
        var document = await UploadAsync(admin, OruR01("UNKNOWN" + Random.Shared.Next(1_000_000, 9_999_999)));
        var status = await IndexedAsync(admin, document);
        Assert.Contains(status.GetProperty("extraction").GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("manual matching", StringComparison.Ordinal));

        var waiting = Assert.Single(await UnmatchedAsync(admin));
        Assert.Equal(document, waiting.GetProperty("documentId").GetGuid());
        Assert.Equal(3, waiting.GetProperty("results").GetInt32());
        Assert.Equal(0, (await ObservationsAsync(admin, patient)).GetProperty("total").GetInt32());

        // The stranger can neither see nor match them, nor link them to their own patient.
        Assert.Empty(await UnmatchedAsync(stranger));
        using (var theirs = await _content.Caller.SendAsync(HttpMethod.Post, $"/api/observations/unmatched/{document}/match", stranger.Token, new { patientId = strangersPatient }))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }
        using (var wrongPatient = await _content.Caller.SendAsync(HttpMethod.Post, $"/api/observations/unmatched/{document}/match", admin.Token, new { patientId = strangersPatient }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongPatient.StatusCode);
        }

        using (var match = await _content.Caller.SendAsync(HttpMethod.Post, $"/api/observations/unmatched/{document}/match", admin.Token, new { patientId = patient }))
        {
            Assert.Equal(HttpStatusCode.OK, match.StatusCode);
            Assert.Equal(3, (await ServiceCaller.JsonAsync(match)).GetProperty("matched").GetInt32());
        }
        Assert.Empty(await UnmatchedAsync(admin));
        Assert.Equal(3, (await ObservationsAsync(admin, patient)).GetProperty("total").GetInt32());
    }

    private async Task<Guid> UploadAsync(ServiceCaller.User user, byte[] message)
    {
        using var response = await _content.UploadMultipartAsync(user.Token, message, "results.hl7", "application/hl7-v2", title: "Lab results", category: "lab-result");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ServiceCaller.JsonAsync(response)).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> IndexedAsync(ServiceCaller.User user, Guid id)
    {
        JsonElement status = default;
        await DocumentsClient.EventuallyAsync(async () =>
        {
            using var response = await _content.GetAsync($"/api/documents/{id}/ingestion", user.Token);
            status = await ServiceCaller.JsonAsync(response);
            return status.GetProperty("state").GetString() == "indexed";
        }, $"document {id} indexed");
        return status;
    }

    private async Task<JsonElement> ObservationsAsync(ServiceCaller.User user, Guid patient, string query = "")
    {
        using var response = await _content.GetAsync($"/api/patients/{patient}/observations?pageSize=50{query}", user.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await ServiceCaller.JsonAsync(response);
    }

    private async Task<JsonElement[]> UnmatchedAsync(ServiceCaller.User user)
    {
        using var response = await _content.GetAsync("/api/observations/unmatched", user.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ServiceCaller.JsonAsync(response)).EnumerateArray()];
    }
}
