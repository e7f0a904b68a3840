// The Firely model types every element as nullable; these tests dereference what the server must have sent.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// Content's FHIR R4 API as a stock client sees it (the Firely SDK's FhirClient), directly and through the gateway's one
/// FHIR base: CapabilityStatement, Patient read/vread/create/update/search with paging links, AuditEvent by patient;
/// OperationOutcome 4xx for what cannot be used; organization scoping and the access audit as in the native API.
/// </summary>
public sealed class FhirPatientTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ServiceCaller _content = new(stack, "content");
    private readonly List<HttpClient> _clients = [];

    public void Dispose()
    {
        _content.Dispose();
        _clients.ForEach(c => c.Dispose());
    }

    /// <summary>A stock FhirClient on <paramref name="service"/>'s <c>/fhir</c> (Content's, or the gateway's one base) with the user's token.</summary>
    private FhirClient Client(string? token, string service = "content")
    {
        var http = stack.CreateHttpClient(service);
        _clients.Add(http);
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return new FhirClient(new Uri(http.BaseAddress!, "/fhir"), http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
    }

    private static Patient NewPatient(string family, string given, string birthDate = "1980-05-17") => new()
    {
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = family, Given = [given] }],
        Gender = AdministrativeGender.Female,
        BirthDate = birthDate,
        Identifier = [new Identifier("urn:oid:1.2.250.1.213.1.4.8", $"2{Random.Shared.NextInt64(100_000_000_000, 999_999_999_999)}")],
        Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+33 6 12 34 56 78")],
        Address = [new Address { City = "Lyon", Line = ["12 rue des Lilas"], PostalCode = "69003", Country = "FR" }],
    };

    [Fact]
    public async Task The_capability_statement_lists_Patient_and_AuditEvent_with_their_interactions_and_search_parameters()
    {
        var statement = await Client(token: null).CapabilityStatementAsync(ct: Ct);

        Assert.Equal(FHIRVersion.N4_0_1, statement!.FhirVersion);
        var resources = statement.Rest.Single().Resource.ToDictionary(r => r.Type!);
        Assert.Equal(["create", "read", "search-type", "update", "vread"],
            resources["Patient"].Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
        Assert.Superset(new HashSet<string> { "name", "family", "birthdate", "identifier", "_id" }, resources["Patient"].SearchParam.Select(p => p.Name).ToHashSet());
        Assert.Equal(["patient"], resources["AuditEvent"].SearchParam.Select(p => p.Name));
    }

    [Fact]
    public async Task A_stock_client_creates_reads_updates_vreads_and_searches_patients_with_paging()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var fhir = Client(admin.Token);

        var created = await fhir.CreateAsync(NewPatient("Fhirson", "Ada"), Ct);
        Assert.Equal("1", created!.Meta.VersionId);
        Assert.Contains(created.Identifier, i => i.System == $"urn:medicalhub:organization:{admin.OrganizationId}:mrn" && i.Value == "000001");

        var read = await fhir.ReadAsync<Patient>($"Patient/{created.Id}", ct: Ct);
        Assert.Equal("Fhirson", read!.Name[0].Family);
        Assert.Equal("1980-05-17", read.BirthDate);
        Assert.Equal("Lyon", read.Address[0].City);

        read.Name[0].Family = "Fhirson-Lovelace";
        var updated = await fhir.UpdateAsync(read, versionAware: true, ct: Ct);
        Assert.Equal("2", updated!.Meta.VersionId);
        var first = await fhir.ReadAsync<Patient>($"Patient/{created.Id}/_history/1", ct: Ct);
        Assert.Equal("Fhirson", first!.Name[0].Family);

        // A stale version-aware update is refused.
        var stale = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.UpdateAsync(read, versionAware: true, ct: Ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);

        for (var i = 0; i < 4; i++)
        {
            await fhir.CreateAsync(NewPatient("Fhirson", $"Child{i}", $"201{i}-01-01"), Ct);
        }
        var page = await fhir.SearchAsync<Patient>(["family=fhirson"], pageSize: 2, ct: Ct);
        Assert.Equal(5, page!.Total);
        var seen = page.Entry.Select(e => e.Resource.Id).ToList();
        while (page.NextLink is not null)
        {
            page = await fhir.ContinueAsync(page, ct: Ct);
            seen.AddRange(page!.Entry.Select(e => e.Resource.Id));
        }
        Assert.Equal(5, seen.Distinct().Count());

        Assert.Equal([created.Id], (await fhir.SearchAsync<Patient>(["name=lovelace"], ct: Ct))!.Entry.Select(e => e.Resource.Id));
        Assert.Equal([created.Id], (await fhir.SearchAsync<Patient>([$"identifier={created.Identifier.Last().System}|{created.Identifier.Last().Value}"], ct: Ct))!.Entry.Select(e => e.Resource.Id));
        Assert.Equal([created.Id], (await fhir.SearchAsync<Patient>([$"_id={created.Id}"], ct: Ct))!.Entry.Select(e => e.Resource.Id));
        Assert.Equal(4, (await fhir.SearchAsync<Patient>(["family=fhirson", "birthdate=ge2000"], ct: Ct))!.Total);
    }

    [Fact]
    public async Task Every_FHIR_read_is_recorded_and_exported_as_AuditEvent_by_patient()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var fhir = Client(admin.Token);
        var patient = await fhir.CreateAsync(NewPatient("Audited", "Ana"), Ct);
        await fhir.ReadAsync<Patient>($"Patient/{patient!.Id}", ct: Ct);
        await fhir.ReadAsync<Patient>($"Patient/{patient.Id}/_history/1", ct: Ct);
        await fhir.SearchAsync<Patient>(["name=audited"], ct: Ct);

        var events = await fhir.SearchAsync<AuditEvent>([$"patient=Patient/{patient.Id}"], ct: Ct);

        var subtypes = events!.Entry.Select(e => ((AuditEvent)e.Resource).Subtype.Single(s => s.System == "urn:medicalhub:phi-action").Code).ToList();
        Assert.Equal(["search", "vread", "read", "create"], subtypes);
        var read = (AuditEvent)events.Entry[2].Resource;
        Assert.Equal(AuditEvent.AuditEventAction.R, read.Action);
        Assert.Equal($"Patient/{patient.Id}", read.Entity.First().What.Reference);
        Assert.Equal(admin.Account.UserId.ToString(), read.Agent.First().Who.Identifier.Value);
        Assert.Contains(read.Entity.Last().Detail, d => d.Type == "hash");
    }

    [Fact]
    public async Task Another_organization_s_patient_is_not_found_and_not_listed_over_FHIR()
    {
        var owner = await _content.NewOrganizationAdminAsync();
        var stranger = await _content.NewOrganizationAdminAsync();
        var patient = await Client(owner.Token).CreateAsync(NewPatient("Private", "Pia"), Ct);
        var fhir = Client(stranger.Token);

        foreach (var location in new[] { $"Patient/{patient!.Id}", $"Patient/{patient.Id}/_history/1" })
        {
            var refused = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.ReadAsync<Patient>(location, ct: Ct));
            Assert.Equal(HttpStatusCode.NotFound, refused.Status);
            Assert.NotNull(refused.Outcome);
        }
        var overwrite = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.UpdateAsync(patient, ct: Ct));
        Assert.Equal(HttpStatusCode.NotFound, overwrite.Status);
        Assert.Equal(0, (await fhir.SearchAsync<Patient>(["name=private"], ct: Ct))!.Total);
        Assert.Equal(0, (await fhir.SearchAsync<Patient>([$"_id={patient.Id}"], ct: Ct))!.Total);
        Assert.Equal(0, (await fhir.SearchAsync<AuditEvent>([$"patient={patient.Id}"], ct: Ct))!.Total);

        var mine = await Client(owner.Token).ReadAsync<Patient>($"Patient/{patient.Id}", ct: Ct);
        Assert.Equal("Private", mine!.Name[0].Family);
    }

    [Fact]
    public async Task The_gateway_s_one_FHIR_base_serves_Content_s_types_and_lists_them_in_its_metadata()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var fhir = Client(admin.Token, "gateway");

        var statement = await Client(token: null, "gateway").CapabilityStatementAsync(ct: Ct);
        Assert.Equal("MedicalHub", statement!.Software.Name);
        Assert.Superset(new HashSet<string> { "Patient", "AuditEvent" }, statement.Rest.Single().Resource.Select(r => r.Type!).ToHashSet());

        var created = await fhir.CreateAsync(NewPatient("Gateway", "Gus"), Ct);
        var page = await fhir.SearchAsync<Patient>(["family=gateway"], ct: Ct);
        Assert.Equal([created!.Id], page!.Entry.Select(e => e.Resource.Id));
        var gateway = stack.CreateHttpClient("gateway").BaseAddress!;
        Assert.StartsWith($"{gateway.Scheme}://{gateway.Authority}/fhir/Patient", page.SelfLink!.OriginalString, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, HttpStatusCode> BadResources => new()
    {
        { "application/fhir+json", "{ not json", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Patient","gender":"robot","name":[{"family":"X"}]}""", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Patient","name":[{"family":"X"}],"unknownElement":true}""", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Patient","name":[{"family":"X"}],"birthDate":"1980"}""", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Patient","name":[]}""", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Patient","name":[{"family":"X\u0000Y"}]}""", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Patient","name":[{"family":"X"}],"modifierExtension":[{"url":"http://x.org/e","valueBoolean":true}]}""", HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Patient","name":[{"family":"X"}],"deceasedBoolean":true}""", HttpStatusCode.UnprocessableEntity },
        { "application/xml", "<Patient xmlns=\"http://hl7.org/fhir\"/>", HttpStatusCode.UnsupportedMediaType },
    };

    [Theory]
    [MemberData(nameof(BadResources))]
    public async Task A_resource_that_cannot_be_used_is_refused_with_an_OperationOutcome(string mediaType, string body, HttpStatusCode expected)
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using var response = await SendAsync(HttpMethod.Post, "/fhir/Patient", admin.Token, new StringContent(body, Encoding.UTF8, mediaType));

        Assert.Equal(expected, response.StatusCode);
        await AssertOperationOutcomeAsync(response);
        Assert.Equal(0, (await Client(admin.Token).SearchAsync<Patient>([], ct: Ct))!.Total);
    }

    [Theory]
    [InlineData("/fhir/Patient?birthdate=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient?name=%00", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient?_count=0", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient?_count=ten", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient?_page=0", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient?identifier=a,b", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient?_format=xml", HttpStatusCode.NotAcceptable)]
    [InlineData("/fhir/Patient/not-a-guid", HttpStatusCode.NotFound)]
    [InlineData("/fhir/Patient/0195a000-0000-7000-8000-000000000001/_history/x", HttpStatusCode.NotFound)]
    [InlineData("/fhir/Condition", HttpStatusCode.NotFound)]
    [InlineData("/fhir/AuditEvent?patient=nobody", HttpStatusCode.BadRequest)]
    public async Task A_malformed_request_is_a_4xx_OperationOutcome(string path, HttpStatusCode expected)
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using var response = await SendAsync(HttpMethod.Get, path, admin.Token);

        Assert.Equal(expected, response.StatusCode);
        await AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task Unknown_search_parameters_are_ignored_unless_the_client_asks_for_strict_handling()
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using (var lenient = await SendAsync(HttpMethod.Get, "/fhir/Patient?_sort=family&nickname=x", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, lenient.StatusCode);
            Assert.DoesNotContain("nickname", await lenient.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        using var strict = await SendAsync(HttpMethod.Get, "/fhir/Patient?nickname=x", admin.Token, prefer: "handling=strict");
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        await AssertOperationOutcomeAsync(strict);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var huge = $$"""{"resourceType":"Patient","name":[{"family":"X","text":"{{new string('x', 3_000_000)}}"}]}""";

        using var response = await SendAsync(HttpMethod.Post, "/fhir/Patient", admin.Token, new StringContent(huge, Encoding.UTF8, "application/fhir+json"), expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Each_interaction_needs_its_permission()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var clerk = await _content.MemberAsync(admin, await _content.CustomRoleAsync(admin, "users:read"));
        var reader = await _content.MemberAsync(admin, await _content.CustomRoleAsync(admin, "patients:read"));

        var noRead = await Assert.ThrowsAsync<FhirOperationException>(() => Client(clerk.Token).SearchAsync<Patient>([], ct: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, noRead.Status);
        var noWrite = await Assert.ThrowsAsync<FhirOperationException>(() => Client(reader.Token).CreateAsync(NewPatient("No", "Write"), Ct));
        Assert.Equal(HttpStatusCode.Forbidden, noWrite.Status);
        var noAudit = await Assert.ThrowsAsync<FhirOperationException>(() => Client(reader.Token).SearchAsync<AuditEvent>([], ct: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, noAudit.Status);
        using var anonymous = await SendAsync(HttpMethod.Get, "/fhir/Patient", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null, string? prefer = null,
        bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        // A large upload waits for the server's 100 Continue, so a refusal arrives whole rather than as a reset.
        request.Headers.ExpectContinue = expectContinue;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }
        return await _content.Http.SendAsync(request, Ct);
    }

    private static async Task AssertOperationOutcomeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var outcome = Assert.IsType<OperationOutcome>(new FhirJsonDeserializer().DeserializeResource(body));
        Assert.NotEmpty(outcome.Issue);
    }
}
