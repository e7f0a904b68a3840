// The Firely model types every element as nullable; these tests dereference what the server must have sent.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// FHIR <c>Observation</c> through the gateway, as the Firely SDK's FhirClient uses it: the results of an HL7 v2 ORU^R01
/// read and searched by patient, code and date, listed in the CapabilityStatement; another organization's user finds
/// nothing; malformed search parameters are an OperationOutcome 400; reads and searches audited.
/// </summary>
public sealed class FhirObservationTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _gateway = new(stack, GatewayUnderTest.Name);
    private readonly List<HttpClient> _clients = [];

    public void Dispose()
    {
        _gateway.Dispose();
        _clients.ForEach(c => c.Dispose());
    }

    private FhirClient Client(string token)
    {
        var http = stack.CreateHttpClient(GatewayUnderTest.Name);
        _clients.Add(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new FhirClient(new Uri(http.BaseAddress!, "/fhir"), http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
    }

    [Fact]
    public async Task A_patient_s_lab_results_are_read_and_searched_by_patient_code_and_date_within_the_organization_only()
    {
        var admin = await _gateway.Caller.NewOrganizationAdminAsync();
        var stranger = await _gateway.Caller.NewOrganizationAdminAsync();
        var mrn = "LAB" + Random.Shared.Next(1_000_000, 9_999_999);
        var patient = (await PatientClient.CreateAsync(_gateway.Caller, admin,
            PatientClient.Details("Durand", "Claire", "1980-05-17", "female", new { system = "urn:oid:1.2.250.1.999", value = mrn }))).GetProperty("id").GetGuid();
        var message = string.Join('\r',
            "MSH|^~\\&|LAB|CITYLAB|MEDICALHUB|PRACTICE|20261201083000||ORU^R01^ORU_R01|LAB" + Guid.NewGuid().ToString("N")[..12] + "|P|2.5.1",
            $"PID|1||{mrn}^^^CITYLAB^MR||Durand^Claire||19800517|F",
            "OBR|1|ORD1|FIL1|24323-8^Comprehensive metabolic panel^LN|||20261201071500",
            "OBX|1|NM|2345-7^Glucose^LN||182|mg/dL|70-99|H|||F|||20261201071500",
            "OBX|2|NM|2160-0^Creatinine^LN||0.9|mg/dL|0.6-1.2|N|||F|||20261115071500",
            "OBX|3|ST|8251-1^Service comment^LN||Fasting sample||||||F|||20261201071500") + "\r";
        using (var content = new ByteArrayContent(Encoding.ASCII.GetBytes(message)))
        {
            content.Headers.TryAddWithoutValidation("Content-Type", "x-application/hl7-v2+er7");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hl7/messages") { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
            using var response = await _gateway.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var client = Client(admin.Token);
        Bundle all = null;
        await DocumentsClient.EventuallyAsync(async () =>
        {
            all = await client.SearchAsync<Observation>(new SearchParams().Where($"patient=Patient/{patient}"), Ct);
            return all.Total == 3;
        }, "the patient's three results");
        var glucose = all.Entry.Select(e => (Observation)e.Resource).Single(o => o.Code.Coding[0].Code == "2345-7");
        Assert.Equal("http://loinc.org", glucose.Code.Coding[0].System);
        Assert.Equal("Glucose", glucose.Code.Coding[0].Display);
        Assert.Equal(ObservationStatus.Final, glucose.Status);
        Assert.Equal($"Patient/{patient}", glucose.Subject.Reference);
        var value = Assert.IsType<Quantity>(glucose.Value);
        Assert.Equal(182m, value.Value);
        Assert.Equal("mg/dL", value.Unit);
        Assert.Equal(70m, glucose.ReferenceRange[0].Low.Value);
        Assert.Equal(99m, glucose.ReferenceRange[0].High.Value);
        Assert.Equal("H", glucose.Interpretation[0].Coding[0].Code);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 15, 0, TimeSpan.Zero), ((FhirDateTime)glucose.Effective).ToDateTimeOffset(TimeSpan.Zero));
        Assert.StartsWith("DocumentReference/", glucose.DerivedFrom[0].Reference, StringComparison.Ordinal);
        Assert.Equal("Fasting sample", Assert.IsType<FhirString>(all.Entry.Select(e => (Observation)e.Resource).Single(o => o.Code.Coding[0].Code == "8251-1").Value).Value);

        var read = await client.ReadAsync<Observation>($"Observation/{glucose.Id}", ct: Ct);
        Assert.Equal(glucose.Id, read.Id);

        Assert.Equal(["2345-7"], Codes(await client.SearchAsync<Observation>(new SearchParams().Where($"patient={patient}").Where("code=http://loinc.org|2345-7"), Ct)));
        Assert.Empty(Codes(await client.SearchAsync<Observation>(new SearchParams().Where($"patient={patient}").Where("code=http://snomed.info/sct|2345-7"), Ct)));
        Assert.Equal(["2160-0"], Codes(await client.SearchAsync<Observation>(new SearchParams().Where($"patient={patient}").Where("date=lt2026-11-30"), Ct)));
        Assert.Equal(2, (await client.SearchAsync<Observation>(new SearchParams().Where($"patient={patient}").Where("date=2026-12-01"), Ct)).Total);

        var statement = await client.CapabilityStatementAsync(ct: Ct);
        var capability = statement.Rest[0].Resource.Single(r => r.Type == "Observation");
        Assert.Contains(capability.Interaction, i => i.Code == CapabilityStatement.TypeRestfulInteraction.Read);
        Assert.Equal(["_id", "code", "date", "patient"], capability.SearchParam.Select(p => p.Name).Order(StringComparer.Ordinal));

        // Another organization: nothing found, nothing read.
        var theirs = Client(stranger.Token);
        Assert.Equal(0, (await theirs.SearchAsync<Observation>(new SearchParams().Where($"patient={patient}"), Ct)).Total);
        Assert.Equal(0, (await theirs.SearchAsync<Observation>(new SearchParams().Where("code=2345-7"), Ct)).Total);
        var notFound = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.ReadAsync<Observation>($"Observation/{glucose.Id}", ct: Ct));
        Assert.Equal(HttpStatusCode.NotFound, notFound.Status);
        Assert.IsType<OperationOutcome>(notFound.Outcome);

        var malformed = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<Observation>(new SearchParams().Where("date=yesterday"), Ct));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.IsType<OperationOutcome>(malformed.Outcome);

        var records = await PatientClient.AccessRecordsAsync(_gateway.Caller, admin, patient);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "read" && r.GetProperty("resourceType").GetString() == "Observation"
            && r.GetProperty("resourceId").GetString() == glucose.Id);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "search" && r.GetProperty("resourceType").GetString() == "Observation");
    }

    private static string[] Codes(Bundle bundle) => [.. bundle.Entry.Select(e => ((Observation)e.Resource).Code.Coding[0].Code)];
}
