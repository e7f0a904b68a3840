// The Firely model types every element as nullable; these tests dereference what the server must have sent.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// Content's FHIR <c>DocumentReference</c> and <c>Binary</c> as a stock client (the Firely SDK's FhirClient) uses them,
/// directly and through the gateway: a document filed with its bytes inline or as a Binary created first, read back as
/// the same bytes with their type (or as the Binary resource), searched by patient, category and date; invalid
/// resources refused with an OperationOutcome 4xx and nothing filed; another organization's user finds nothing; every
/// read audited.
/// </summary>
public sealed class FhirDocumentTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);
    private readonly List<HttpClient> _clients = [];

    public void Dispose()
    {
        _content.Dispose();
        _clients.ForEach(c => c.Dispose());
    }

    private FhirClient Client(string? token, string service = "content", Action<FhirClientSettings>? configure = null)
    {
        var http = stack.CreateHttpClient(service);
        _clients.Add(http);
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var settings = new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false };
        configure?.Invoke(settings);
        return new FhirClient(new Uri(http.BaseAddress!, "/fhir"), http, settings);
    }

    private static DocumentReference Filing(Guid? patient, Attachment attachment, string category = "referral", string description = "Referral to cardiology") => new()
    {
        Status = DocumentReferenceStatus.Current,
        Category = [new CodeableConcept("urn:medicalhub:document-category", category)],
        Subject = patient is { } p ? new ResourceReference($"Patient/{p}") : null,
        Description = description,
        Content = [new DocumentReference.ContentComponent { Attachment = attachment }],
    };

    [Fact]
    public async Task The_capability_statement_lists_DocumentReference_and_Binary()
    {
        var statement = await Client(token: null).CapabilityStatementAsync(ct: Ct);

        var resources = statement!.Rest.Single().Resource.ToDictionary(r => r.Type!);
        Assert.Equal(["create", "read", "search-type", "vread"], resources["DocumentReference"].Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
        Assert.Equal(["_id", "category", "date", "patient"], resources["DocumentReference"].SearchParam.Select(p => p.Name).Order());
        Assert.Equal(["create", "read"], resources["Binary"].Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
    }

    [Fact]
    public async Task An_integrator_creates_a_Binary_then_files_it_with_a_DocumentReference_and_reads_the_same_bytes_back()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(admin, "Filed", "Fiona");
        var fhir = Client(admin.Token);
        var pdf = DocumentsClient.Pdf("a referral letter");

        var binary = await fhir.CreateAsync(new Binary { ContentType = "application/pdf", Data = pdf }, Ct);
        Assert.Equal("application/pdf", binary!.ContentType);
        var unfiled = await fhir.ReadAsync<Binary>($"Binary/{binary.Id}", ct: Ct);
        Assert.Equal(pdf, unfiled!.Data);

        var filed = await fhir.CreateAsync(Filing(patient, new Attachment { Url = $"Binary/{binary.Id}", ContentType = "application/pdf", Title = "referral.pdf", Size = pdf.Length }), Ct);
        Assert.Equal($"Patient/{patient}", filed!.Subject.Reference);
        Assert.Equal("referral", filed.Category.Single().Coding.Single().Code);
        var attachment = filed.Content.Single().Attachment;
        Assert.EndsWith($"/Binary/{binary.Id}", attachment.Url, StringComparison.Ordinal); // the Binary keeps its id once filed
        Assert.Equal("referral.pdf", attachment.Title);
        // Attachment.size as R4 writes it, a JSON number (the Firely SDK 6 client cannot read it back: it models size as R5's integer64).
        using (var json = await SendAsync(HttpMethod.Get, $"/fhir/DocumentReference/{filed.Id}", admin.Token))
        {
            var size = (await ServiceCaller.JsonAsync(json)).GetProperty("content")[0].GetProperty("attachment").GetProperty("size");
            Assert.Equal(System.Text.Json.JsonValueKind.Number, size.ValueKind);
            Assert.Equal(pdf.Length, size.GetInt64());
        }

        // The bytes, with their type (the client's default: raw content), and as the Binary resource when FHIR JSON is asked for.
        var raw = await fhir.ReadAsync<Binary>(attachment.Url, ct: Ct);
        Assert.Equal(pdf, raw!.Data);
        Assert.Equal("application/pdf", raw.ContentType);
        var resource = await Client(admin.Token, configure: s => s.BinaryReceivePreference = BinaryTransferBehaviour.UseResource).ReadAsync<Binary>(attachment.Url, ct: Ct);
        Assert.Equal(pdf, resource!.Data);
        Assert.Equal($"DocumentReference/{filed.Id}", resource.SecurityContext.Reference);

        var read = await fhir.ReadAsync<DocumentReference>($"DocumentReference/{filed.Id}", ct: Ct);
        Assert.Equal("Referral to cardiology", read!.Description);
        var vread = await fhir.ReadAsync<DocumentReference>($"DocumentReference/{filed.Id}/_history/{read.Meta.VersionId}", ct: Ct);
        Assert.Equal(read.Id, vread!.Id);

        // The native API sees the same document.
        using var native = await _content.GetAsync($"/api/documents/{filed.Id}", admin.Token);
        var document = await ServiceCaller.JsonAsync(native);
        Assert.Equal(patient, document.GetProperty("patientId").GetGuid());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), document.GetProperty("sha256").GetString());

        // A Binary is filed once.
        var again = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.CreateAsync(Filing(patient, new Attachment { Url = $"Binary/{binary.Id}" }), Ct));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
    }

    [Fact]
    public async Task A_document_filed_inline_or_as_raw_bytes_is_checked_like_an_upload_and_searchable_by_patient_category_and_date()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(admin, "Searched", "Sofia");
        var other = await _content.NewPatientAsync(admin, "Other", "Otto");
        var fhir = Client(admin.Token);
        var png = DocumentsClient.Png();

        // Raw bytes with their own Content-Type (the client's UseData behaviour); the type comes from the bytes, checked against the claim.
        var rawClient = Client(admin.Token, configure: s => s.BinarySendBehaviour = BinaryTransferBehaviour.UseData);
        var rawBinary = await rawClient.CreateAsync(new Binary { ContentType = "application/octet-stream", Data = png }, Ct);
        Assert.Equal("image/png", rawBinary!.ContentType);
        var image = await fhir.CreateAsync(Filing(patient, new Attachment { Url = $"Binary/{rawBinary.Id}" }, "imaging", "Wound photo"), Ct);

        var pdf = DocumentsClient.Pdf("lab results");
#pragma warning disable CA5350 // FHIR R4's Attachment.hash is SHA-1
        var letter = await fhir.CreateAsync(Filing(patient, new Attachment { ContentType = "application/pdf", Data = pdf, Hash = SHA1.HashData(pdf) }, "lab-result", "Lab results"), Ct);
#pragma warning restore CA5350
        var others = await fhir.CreateAsync(Filing(other, new Attachment { Data = DocumentsClient.Pdf() }, "letter", "Letter"), Ct);
        Assert.Equal(pdf, (await fhir.ReadAsync<Binary>(letter!.Content[0].Attachment.Url, ct: Ct))!.Data);

        async Task<string[]> IdsAsync(params string[] criteria) =>
            [.. (await fhir.SearchAsync<DocumentReference>(criteria, ct: Ct))!.Entry.Select(e => e.Resource.Id)];
        Assert.Equal([letter.Id, image!.Id], await IdsAsync($"patient=Patient/{patient}"));
        Assert.Equal([others!.Id], await IdsAsync($"patient={other}"));
        Assert.Equal([letter.Id], await IdsAsync($"patient={patient}", "category=lab-result"));
        Assert.Equal([image.Id], await IdsAsync("category=urn:medicalhub:document-category|imaging"));
        Assert.Empty(await IdsAsync("category=http://loinc.org|imaging"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, (await IdsAsync($"date=ge{today}")).Length);
        Assert.Empty(await IdsAsync($"date=lt{today}"));
        Assert.Equal(3, (await IdsAsync($"date=gt{DateTimeOffset.UtcNow.AddHours(-1):yyyy-MM-dd'T'HH:mm:ss'Z'}")).Length);
        Assert.Equal([letter.Id], await IdsAsync($"_id={letter.Id}"));

        var paged = await fhir.SearchAsync<DocumentReference>([$"patient={patient}"], pageSize: 1, ct: Ct);
        Assert.Equal(2, paged!.Total);
        var next = await fhir.ContinueAsync(paged, ct: Ct);
        Assert.Equal(image.Id, next!.Entry.Single().Resource.Id);
    }

    [Fact]
    public async Task The_gateway_s_FHIR_base_files_and_serves_documents_and_keeps_its_body_limit()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(admin, "Gateway", "Gina");
        var fhir = Client(admin.Token, "gateway", s => s.BinarySendBehaviour = BinaryTransferBehaviour.UseData);
        var file = DocumentsClient.Random(3 * 1024 * 1024);

        var binary = await fhir.CreateAsync(new Binary { ContentType = "application/pdf", Data = file }, Ct);
        var filed = await fhir.CreateAsync(Filing(patient, new Attachment { Url = $"Binary/{binary!.Id}" }), Ct);
        var url = filed!.Content[0].Attachment.Url;
        var gateway = stack.CreateHttpClient("gateway").BaseAddress!;
        Assert.StartsWith($"{gateway.Scheme}://{gateway.Authority}/fhir/Binary/", url, StringComparison.Ordinal);
        Assert.Equal(file, (await fhir.ReadAsync<Binary>(url, ct: Ct))!.Data);
        Assert.Equal([filed.Id], (await fhir.SearchAsync<DocumentReference>([$"patient={patient}"], ct: Ct))!.Entry.Select(e => e.Resource.Id));

        // Over the DocumentReference route's 16 MiB: refused by the gateway before Content reads it.
        using var huge = new HttpRequestMessage(HttpMethod.Post, "/fhir/DocumentReference") { Content = new ByteArrayContent(new byte[17 * 1024 * 1024]) };
        huge.Content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        huge.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
        huge.Headers.ExpectContinue = true;
        using var gatewayHttp = stack.CreateHttpClient("gateway");
        using var refused = await gatewayHttp.SendAsync(huge, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    public static TheoryData<string, string, HttpStatusCode> BadDocumentReferences()
    {
        var pdf = Convert.ToBase64String(DocumentsClient.Pdf());
        var png = Convert.ToBase64String(DocumentsClient.Png());
        var html = Convert.ToBase64String("<!DOCTYPE html><html><script>alert(1)</script></html>"u8.ToArray());
        string Doc(string content, string extra = "") =>
            $$"""{"resourceType":"DocumentReference","status":"current","description":"Letter","content":[{{content}}]{{extra}}}""";
        return new()
        {
            { "application/fhir+json", "{ not json", HttpStatusCode.BadRequest },
            { "application/fhir+json", """{"resourceType":"Patient","name":[{"family":"X"}]}""", HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}}""", ""","unknownElement":1"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}}""", ""","category":[{"coding":[{"system":"urn:medicalhub:document-category","code":"gossip"}]}]"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}},{"attachment":{"data":"{{{pdf}}}"}}"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}","url":"Binary/0195a000-0000-7000-8000-000000000001"}}"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc("""{"attachment":{"contentType":"application/pdf"}}"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc("""{"attachment":{"data":"not base64!"}}"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}","size":1}}"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}","hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAA="}}"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}","title":"../../etc/passwd"}}"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}}""", ""","modifierExtension":[{"url":"http://x.org/e","valueBoolean":true}]"""), HttpStatusCode.BadRequest },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{png}}}","contentType":"application/pdf"}}"""), HttpStatusCode.UnprocessableEntity },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{html}}}"}}"""), HttpStatusCode.UnsupportedMediaType },
            { "application/fhir+json", Doc("""{"attachment":{"url":"Binary/0195a000-0000-7000-8000-000000000001"}}"""), HttpStatusCode.UnprocessableEntity },
            { "application/fhir+json", Doc("""{"attachment":{"url":"http://elsewhere.example/files/1"}}"""), HttpStatusCode.UnprocessableEntity },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}}""", ""","securityLabel":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]}]"""), HttpStatusCode.UnprocessableEntity },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}}""", ""","subject":{"reference":"Patient/0195a000-0000-7000-8000-000000000001"}"""), HttpStatusCode.UnprocessableEntity },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}}""", ""","subject":{"reference":"Group/1"}"""), HttpStatusCode.UnprocessableEntity },
            { "application/fhir+json", Doc($$$"""{"attachment":{"data":"{{{pdf}}}"}}""").Replace("\"current\"", "\"superseded\"", StringComparison.Ordinal), HttpStatusCode.UnprocessableEntity },
            { "application/xml", "<DocumentReference xmlns=\"http://hl7.org/fhir\"/>", HttpStatusCode.UnsupportedMediaType },
        };
    }

    [Theory]
    [MemberData(nameof(BadDocumentReferences))]
    public async Task A_DocumentReference_that_cannot_be_filed_is_refused_with_an_OperationOutcome_and_nothing_is_kept(string mediaType, string body, HttpStatusCode expected)
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();

        using var response = await SendAsync(HttpMethod.Post, "/fhir/DocumentReference", admin.Token, new StringContent(body, Encoding.UTF8, mediaType));

        Assert.Equal(expected, response.StatusCode);
        await AssertOperationOutcomeAsync(response);
        Assert.Equal(0, (await Client(admin.Token).SearchAsync<DocumentReference>([], ct: Ct))!.Total);
        Assert.Equal(0, await _content.StoredObjectCountAsync(admin.OrganizationId));
    }

    public static TheoryData<string, byte[], HttpStatusCode> BadBinaries() => new()
    {
        { "application/fhir+json", "{ not json"u8.ToArray(), HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Binary","contentType":"application/pdf"}"""u8.ToArray(), HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Binary","data":"JVBERi0="}"""u8.ToArray(), HttpStatusCode.BadRequest },
        { "application/fhir+json", """{"resourceType":"Binary","contentType":"application/pdf","data":"JVBERi0=","bogus":true}"""u8.ToArray(), HttpStatusCode.BadRequest },
        { "application/pdf", DocumentsClient.Png(), HttpStatusCode.UnprocessableEntity },
        { "text/html", "<!DOCTYPE html><html></html>"u8.ToArray(), HttpStatusCode.UnsupportedMediaType },
    };

    [Theory]
    [MemberData(nameof(BadBinaries))]
    public async Task A_Binary_that_cannot_be_kept_is_refused_with_an_OperationOutcome_and_nothing_is_kept(string mediaType, byte[] body, HttpStatusCode expected)
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);

        using var response = await SendAsync(HttpMethod.Post, "/fhir/Binary", admin.Token, content);

        Assert.Equal(expected, response.StatusCode);
        await AssertOperationOutcomeAsync(response);
        Assert.Equal(0, await _content.StoredObjectCountAsync(admin.OrganizationId));
    }

    [Theory]
    [InlineData("/fhir/DocumentReference?date=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/DocumentReference?date=2026-13-01", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/DocumentReference?patient=Group/1", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/DocumentReference?category=%00", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/DocumentReference?_count=0", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/DocumentReference/not-a-guid", HttpStatusCode.NotFound)]
    [InlineData("/fhir/DocumentReference/0195a000-0000-7000-8000-000000000001/_history/1", HttpStatusCode.NotFound)]
    [InlineData("/fhir/Binary/not-a-guid", HttpStatusCode.NotFound)]
    [InlineData("/fhir/Binary/0195a000-0000-7000-8000-000000000001", HttpStatusCode.NotFound)]
    [InlineData("/fhir/Binary", HttpStatusCode.MethodNotAllowed)]
    public async Task A_malformed_request_is_a_4xx_OperationOutcome(string path, HttpStatusCode expected)
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();

        using var response = await SendAsync(HttpMethod.Get, path, admin.Token);

        Assert.Equal(expected, response.StatusCode);
        await AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task Another_organization_s_user_finds_none_of_it_and_cannot_file_its_Binary_but_a_share_opens_it_audited_in_the_owner_s_chain()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var stranger = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(owner, "Private", "Petra");
        var mine = Client(owner.Token);
        var unfiled = await mine.CreateAsync(new Binary { ContentType = "application/pdf", Data = DocumentsClient.Pdf() }, Ct);
        var pdf = DocumentsClient.Pdf("private");
        var filed = await mine.CreateAsync(Filing(patient, new Attachment { Data = pdf }), Ct);
        var versionBinary = filed!.Content[0].Attachment.Url;
        var theirs = Client(stranger.Token);

        foreach (var read in new Func<Task>[]
                 {
                     () => theirs.ReadAsync<DocumentReference>($"DocumentReference/{filed.Id}", ct: Ct),
                     () => theirs.ReadAsync<DocumentReference>($"DocumentReference/{filed.Id}/_history/{filed.Meta.VersionId}", ct: Ct),
                     () => theirs.ReadAsync<Binary>(versionBinary, ct: Ct),
                     () => theirs.ReadAsync<Binary>($"Binary/{unfiled!.Id}", ct: Ct),
                 })
        {
            var refused = await Assert.ThrowsAsync<FhirOperationException>(read);
            Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        }
        Assert.Equal(0, (await theirs.SearchAsync<DocumentReference>([$"patient={patient}"], ct: Ct))!.Total);
        Assert.Equal(0, (await theirs.SearchAsync<DocumentReference>([$"_id={filed.Id}"], ct: Ct))!.Total);
        var steal = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.CreateAsync(Filing(null, new Attachment { Url = $"Binary/{unfiled!.Id}" }), Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, steal.Status);
        var foreignPatient = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.CreateAsync(Filing(patient, new Attachment { Data = DocumentsClient.Pdf() }), Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, foreignPatient.Status);
        Assert.Equal(pdf, (await mine.ReadAsync<Binary>(versionBinary, ct: Ct))!.Data); // still the owner's, unfiled Binary too
        Assert.NotNull(await mine.ReadAsync<Binary>($"Binary/{unfiled!.Id}", ct: Ct));

        // Shared with the stranger: read over FHIR too, recorded in the owner's chain as the stranger's.
        using (var share = await _content.Caller.SendAsync(HttpMethod.Post, "/api/shares", owner.Token,
                   new { documentId = Guid.Parse(filed.Id), recipientUserId = stranger.Account.UserId, recipientOrganizationId = stranger.OrganizationId }))
        {
            Assert.Equal(HttpStatusCode.Created, share.StatusCode);
        }
        Assert.Equal(filed.Id, (await theirs.ReadAsync<DocumentReference>($"DocumentReference/{filed.Id}", ct: Ct))!.Id);
        Assert.Equal(pdf, (await theirs.ReadAsync<Binary>(versionBinary, ct: Ct))!.Data);
        var records = (await _content.AccessRecordsAsync(owner, $"userId={stranger.Account.UserId}")).Reverse().ToList();
        Assert.Equal([("read", "DocumentReference"), ("download", "Binary")], records.Select(r => (r.GetProperty("action").GetString(), r.GetProperty("resourceType").GetString())));
        await _content.AssertChainVerifiesAsync(owner);
    }

    [Fact]
    public async Task Every_FHIR_read_of_a_document_is_recorded()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(admin, "Recorded", "Rita");
        var fhir = Client(admin.Token);
        var binary = await fhir.CreateAsync(new Binary { ContentType = "application/pdf", Data = DocumentsClient.Pdf() }, Ct);
        var filed = await fhir.CreateAsync(Filing(patient, new Attachment { Url = $"Binary/{binary!.Id}" }), Ct);
        await fhir.ReadAsync<DocumentReference>($"DocumentReference/{filed!.Id}", ct: Ct);
        await fhir.ReadAsync<Binary>($"Binary/{binary.Id}", ct: Ct);
        await fhir.SearchAsync<DocumentReference>([$"patient={patient}", "category=referral"], ct: Ct);

        var records = (await _content.AccessRecordsAsync(admin, $"patientId={patient}")).Reverse().Skip(1).ToList(); // after the patient's registration
        Assert.Equal([("create", "DocumentReference"), ("read", "DocumentReference"), ("download", "Binary"), ("search", "DocumentReference")],
            records.Select(r => (r.GetProperty("action").GetString(), r.GetProperty("resourceType").GetString())));
        Assert.Equal("category,patient", records[^1].GetProperty("query").GetString());
        var binaryCreated = (await _content.AccessRecordsAsync(admin, $"userId={admin.Account.UserId}&action=create"))
            .Single(r => r.GetProperty("resourceType").GetString() == "Binary");
        Assert.Equal(binary.Id, binaryCreated.GetProperty("resourceId").GetString());
        await _content.AssertChainVerifiesAsync(admin);
    }

    [Fact]
    public async Task Each_interaction_needs_its_permission_and_a_Binary_never_filed_is_removed()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var reader = await _content.Caller.MemberAsync(admin, await _content.Caller.CustomRoleAsync(admin, "documents:read"));
        var clerk = await _content.Caller.MemberAsync(admin, await _content.Caller.CustomRoleAsync(admin, "users:read"));
        var binary = await Client(admin.Token).CreateAsync(new Binary { ContentType = "application/pdf", Data = DocumentsClient.Pdf() }, Ct);

        var noWrite = await Assert.ThrowsAsync<FhirOperationException>(() => Client(reader.Token).CreateAsync(new Binary { ContentType = "application/pdf", Data = DocumentsClient.Pdf() }, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, noWrite.Status);
        var noFiling = await Assert.ThrowsAsync<FhirOperationException>(() => Client(reader.Token).CreateAsync(Filing(null, new Attachment { Url = $"Binary/{binary!.Id}" }), Ct));
        Assert.Equal(HttpStatusCode.Forbidden, noFiling.Status);
        Assert.NotNull(await Client(reader.Token).ReadAsync<Binary>($"Binary/{binary!.Id}", ct: Ct));
        var noRead = await Assert.ThrowsAsync<FhirOperationException>(() => Client(clerk.Token).ReadAsync<Binary>($"Binary/{binary.Id}", ct: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, noRead.Status);
        using (var anonymous = await SendAsync(HttpMethod.Get, $"/fhir/Binary/{binary.Id}", token: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // Not filed within the lifetime (half a minute in this suite): the sweeper removes it, bytes and all.
        var deadline = DateTime.UtcNow + DocumentStackSettings.UnfiledLifetime + TimeSpan.FromSeconds(45);
        while (await _content.StoredObjectCountAsync(admin.OrganizationId) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The unfiled Binary was never swept.");
            await Task.Delay(500, Ct);
        }
        var gone = await Assert.ThrowsAsync<FhirOperationException>(() => Client(admin.Token).ReadAsync<Binary>($"Binary/{binary.Id}", ct: Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await _content.Http.SendAsync(request, Ct);
    }

    private static async Task AssertOperationOutcomeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = Assert.IsType<OperationOutcome>(new FhirJsonDeserializer().DeserializeResource(await response.Content.ReadAsStringAsync(Ct)));
        Assert.NotEmpty(outcome.Issue);
    }
}
