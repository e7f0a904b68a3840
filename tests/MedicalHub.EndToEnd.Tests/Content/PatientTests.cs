using System.Net;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.Content.PatientClient;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// The patient registry through Content's native API: registration with the practice's MRN, reads and changes with
/// ETags, search by name (diacritics, case, phonetics), birth date and identifier, merge with both histories kept; every
/// read recorded in the PHI access audit; another organization's patients out of reach.
/// </summary>
public sealed class PatientTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ServiceCaller _content = new(stack, "content");

    public void Dispose() => _content.Dispose();

    [Fact]
    public async Task A_patient_is_registered_with_the_practice_s_MRN_read_back_with_its_ETag_and_each_access_is_recorded()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var nationalId = new { system = "urn:oid:1.2.250.1.213.1.4.8", value = "2800517123456", typeCode = "NI" };

        using var created = await _content.SendAsync(HttpMethod.Post, Patients, admin.Token, Details("Lefèvre-Dupré", "Zoë", identifiers: nationalId));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("W/\"1\"", created.Headers.ETag?.ToString());
        var patient = await ServiceCaller.JsonAsync(created);
        var id = patient.GetProperty("id").GetGuid();
        Assert.Equal($"/api/patients/{id}", created.Headers.Location?.OriginalString);
        var identifiers = patient.GetProperty("identifiers").EnumerateArray().ToList();
        Assert.Equal(($"urn:medicalhub:organization:{admin.OrganizationId}:mrn", "000001", "MR"),
            (identifiers[0].GetProperty("system").GetString(), identifiers[0].GetProperty("value").GetString(), identifiers[0].GetProperty("typeCode").GetString()));
        Assert.Equal("2800517123456", identifiers[1].GetProperty("value").GetString());

        using var read = await SendAsync(_content, HttpMethod.Get, $"{Patients}/{id}", admin.Token, purposeOfUse: "TREAT");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("W/\"1\"", read.Headers.ETag?.ToString());
        var body = await ServiceCaller.JsonAsync(read);
        Assert.Equal("Lefèvre-Dupré", body.GetProperty("names")[0].GetProperty("family").GetString());
        Assert.Equal("1980-05-17", body.GetProperty("birthDate").GetString());
        Assert.Equal("Lyon", body.GetProperty("addresses")[0].GetProperty("city").GetString());

        using (await SendAsync(_content, HttpMethod.Get, $"{Patients}/{id}?fromSearch=true", admin.Token)) { }
        var records = await AccessRecordsAsync(_content, admin, id);
        Assert.Equal(["search-hit-opened", "read", "create"], records.Select(r => r.GetProperty("action").GetString()));
        Assert.Equal("TREAT", records[1].GetProperty("purposeOfUse").GetString());
        Assert.All(records, r => Assert.Equal(admin.Account.UserId, r.GetProperty("userId").GetGuid()));
        Assert.All(records, r => Assert.Equal(id.ToString(), r.GetProperty("resourceId").GetString()));
    }

    [Fact]
    public async Task Each_organization_numbers_its_own_MRNs_and_an_identifier_names_one_patient()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var first = await CreateAsync(_content, admin, Details("Martin", "Paul"));
        var second = await CreateAsync(_content, admin, Details("Martin", "Pauline"));
        Assert.Equal(["000001", "000002"], new[] { first, second }.Select(p => p.GetProperty("identifiers")[0].GetProperty("value").GetString()));

        var passport = new { system = "urn:oid:1.2.250.1.61", value = "12AB34567", typeCode = "PPN" };
        await CreateAsync(_content, admin, Details("Bernard", "Luc", identifiers: passport));
        using var duplicate = await _content.SendAsync(HttpMethod.Post, Patients, admin.Token, Details("Bernard", "Lucas", identifiers: passport));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("application/problem+json", duplicate.Content.Headers.ContentType?.MediaType);

        // Another organization may use the same identifier for its own patient.
        var other = await _content.NewOrganizationAdminAsync();
        await CreateAsync(_content, other, Details("Bernard", "Luc", identifiers: passport));
    }

    [Fact]
    public async Task Names_are_found_by_prefix_without_regard_to_case_or_diacritics_and_by_sound()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var zoe = (await CreateAsync(_content, admin, Details("Lefèvre-Dupré", "Zoë", "1980-05-17"))).GetProperty("id").GetGuid();
        var smith = (await CreateAsync(_content, admin, Details("Smith", "John", "1975-01-02", "male"))).GetProperty("id").GetGuid();
        var smithson = (await CreateAsync(_content, admin, Details("Smithson", "Anna", "2001-11-30"))).GetProperty("id").GetGuid();
        var jansen = (await CreateAsync(_content, admin, Details("Jansen", "Smith", "1990-07-07", "male"))).GetProperty("id").GetGuid();

        Assert.Equal([zoe], Ids(await SearchAsync(_content, admin, "name=zoe")));
        Assert.Equal([zoe], Ids(await SearchAsync(_content, admin, "name=LEFEVRE")));
        Assert.Equal([zoe], Ids(await SearchAsync(_content, admin, "name=dupr")));
        Assert.Equal([zoe], Ids(await SearchAsync(_content, admin, "name=zo%20lef")));
        Assert.Equal([jansen, smith, smithson], Ids(await SearchAsync(_content, admin, "name=smi")));
        Assert.Equal([smith, smithson], Ids(await SearchAsync(_content, admin, "family=smi")));
        Assert.Equal([jansen], Ids(await SearchAsync(_content, admin, "given=smi")));
        Assert.Equal([jansen, smith], Ids(await SearchAsync(_content, admin, "phonetic=smyth"))); // Jansen's given name is Smith
        Assert.Equal([jansen], Ids(await SearchAsync(_content, admin, "phonetic=janssen")));
        Assert.Empty(Ids(await SearchAsync(_content, admin, "name=smithsonian")));

        var page = await SearchAsync(_content, admin, "name=smi&pageSize=2");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal([jansen, smith], Ids(page));
    }

    [Fact]
    public async Task Birth_dates_and_identifiers_are_searched_with_FHIR_s_forms()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var a = (await CreateAsync(_content, admin, Details("Durand", "Alice", "1975-01-02"))).GetProperty("id").GetGuid();
        var b = (await CreateAsync(_content, admin, Details("Durand", "Bruno", "1980-05-17", "male",
            new { system = "urn:oid:1.2.250.1.213.1.4.8", value = "1800517000001" }))).GetProperty("id").GetGuid();
        var c = (await CreateAsync(_content, admin, Details("Durand", "Chloé", "1980-12-31"))).GetProperty("id").GetGuid();

        Assert.Equal([b], Ids(await SearchAsync(_content, admin, "birthDate=1980-05-17")));
        Assert.Equal([b, c], Ids(await SearchAsync(_content, admin, "birthDate=1980")));
        Assert.Equal([b], Ids(await SearchAsync(_content, admin, "birthDate=1980-05")));
        Assert.Equal([a], Ids(await SearchAsync(_content, admin, "birthDate=lt1980")));
        Assert.Equal([b, c], Ids(await SearchAsync(_content, admin, "birthDate=ge1980-05-17")));
        Assert.Equal([b], Ids(await SearchAsync(_content, admin, "birthDate=ge1980&birthDate=lt1980-06")));
        Assert.Equal([a, c], Ids(await SearchAsync(_content, admin, "birthDate=ne1980-05-17")));
        Assert.Equal([b], Ids(await SearchAsync(_content, admin, "identifier=urn:oid:1.2.250.1.213.1.4.8|1800517000001")));
        Assert.Equal([b], Ids(await SearchAsync(_content, admin, "identifier=1800517000001")));
        Assert.Equal([b], Ids(await SearchAsync(_content, admin, "identifier=urn:oid:1.2.250.1.213.1.4.8|")));
        Assert.Equal([c], Ids(await SearchAsync(_content, admin, $"identifier=urn:medicalhub:organization:{admin.OrganizationId}:mrn|000003")));
        Assert.Empty(Ids(await SearchAsync(_content, admin, "identifier=urn:oid:9.9|1800517000001")));
    }

    [Fact]
    public async Task A_search_records_the_patients_it_returned_and_the_parameters_it_used_but_not_their_values()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var id = (await CreateAsync(_content, admin, Details("Moreau", "Inès"))).GetProperty("id").GetGuid();

        await SearchAsync(_content, admin, "name=mor&birthDate=1980");

        var search = (await AccessRecordsAsync(_content, admin, id)).First(r => r.GetProperty("action").GetString() == "search");
        Assert.Equal([id], search.GetProperty("patientIds").EnumerateArray().Select(p => p.GetGuid()));
        Assert.Equal("birthDate,name", search.GetProperty("query").GetString());
        Assert.DoesNotContain("mor", search.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_change_needs_the_current_ETag_keeps_the_MRN_and_adds_a_version()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var patient = await CreateAsync(_content, admin, Details("Petit", "Léa"));
        var id = patient.GetProperty("id").GetGuid();
        var changed = Details("Petit-Roux", "Léa", "1980-05-18");

        using (var noPrecondition = await SendAsync(_content, HttpMethod.Put, $"{Patients}/{id}", admin.Token, changed))
        {
            Assert.Equal(HttpStatusCode.PreconditionRequired, noPrecondition.StatusCode);
        }
        using (var stale = await SendAsync(_content, HttpMethod.Put, $"{Patients}/{id}", admin.Token, changed, ifMatch: "W/\"7\""))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        }
        using (var garbled = await SendAsync(_content, HttpMethod.Put, $"{Patients}/{id}", admin.Token, changed, ifMatch: "yesterday"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, garbled.StatusCode);
        }
        using (var updated = await SendAsync(_content, HttpMethod.Put, $"{Patients}/{id}", admin.Token, changed, ifMatch: "W/\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            Assert.Equal("W/\"2\"", updated.Headers.ETag?.ToString());
            var body = await ServiceCaller.JsonAsync(updated);
            Assert.Equal("Petit-Roux", body.GetProperty("names")[0].GetProperty("family").GetString());
            Assert.Equal("000001", Assert.Single(body.GetProperty("identifiers").EnumerateArray()).GetProperty("value").GetString());
        }

        using var history = await _content.SendAsync(HttpMethod.Get, $"{Patients}/{id}/history", admin.Token);
        Assert.Equal([(2, "updated"), (1, "created")], (await ServiceCaller.JsonAsync(history)).GetProperty("items").EnumerateArray()
            .Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("change").GetString())));
        using var first = await _content.SendAsync(HttpMethod.Get, $"{Patients}/{id}/history/1", admin.Token);
        Assert.Equal("Petit", (await ServiceCaller.JsonAsync(first)).GetProperty("names")[0].GetProperty("family").GetString());
        Assert.Empty(Ids(await SearchAsync(_content, admin, "family=petit%20lea&birthDate=1980-05-17")));
        Assert.Equal([id], Ids(await SearchAsync(_content, admin, "family=roux")));
    }

    [Fact]
    public async Task Of_two_changes_made_from_the_same_version_only_one_is_kept()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var id = (await CreateAsync(_content, admin, Details("Garcia", "Marta"))).GetProperty("id").GetGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            using var response = await SendAsync(_content, HttpMethod.Put, $"{Patients}/{id}", admin.Token, Details("Garcia", $"Marta{i}"), ifMatch: "W/\"1\"");
            return response.StatusCode;
        }));

        Assert.Equal(1, answers.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, answers.Count(s => s == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task A_merged_record_points_at_its_survivor_which_keeps_both_histories_and_identifiers()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var survivor = (await CreateAsync(_content, admin, Details("Roux", "Hugo"))).GetProperty("id").GetGuid();
        var duplicate = (await CreateAsync(_content, admin, Details("Roux", "Hugo", identifiers: new { system = "urn:oid:1.2.250.1.61", value = "99XY00001" })))
            .GetProperty("id").GetGuid();

        using (var self = await _content.SendAsync(HttpMethod.Post, $"{Patients}/{survivor}/merge", admin.Token, new { mergeId = survivor }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        }
        using (var merged = await _content.SendAsync(HttpMethod.Post, $"{Patients}/{survivor}/merge", admin.Token, new { mergeId = duplicate }))
        {
            Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
            var body = await ServiceCaller.JsonAsync(merged);
            Assert.Equal([duplicate], body.GetProperty("replaces").EnumerateArray().Select(r => r.GetGuid()));
            Assert.Equal([("000001", "usual"), ("000002", "old"), ("99XY00001", "old")], body.GetProperty("identifiers").EnumerateArray()
                .Select(i => (i.GetProperty("value").GetString(), i.GetProperty("use").GetString())).Order());
        }

        using (var old = await _content.SendAsync(HttpMethod.Get, $"{Patients}/{duplicate}", admin.Token))
        {
            var body = await ServiceCaller.JsonAsync(old);
            Assert.False(body.GetProperty("active").GetBoolean());
            Assert.Equal(survivor, body.GetProperty("mergedIntoId").GetGuid());
        }
        using (var history = await _content.SendAsync(HttpMethod.Get, $"{Patients}/{survivor}/history", admin.Token))
        {
            var versions = (await ServiceCaller.JsonAsync(history)).GetProperty("items").EnumerateArray()
                .Select(v => (v.GetProperty("patientId").GetGuid(), v.GetProperty("version").GetInt32(), v.GetProperty("change").GetString())).ToList();
            Assert.Equal(new (Guid, int, string?)[] { (survivor, 1, "created"), (duplicate, 1, "created"), (duplicate, 2, "merged"), (survivor, 2, "absorbed") }.Order().ToList(), versions.Order().ToList());
            Assert.Equal((survivor, 2, "absorbed"), versions[0]); // newest first
        }
        Assert.Equal([survivor], Ids(await SearchAsync(_content, admin, "identifier=99XY00001")));

        using (var change = await SendAsync(_content, HttpMethod.Put, $"{Patients}/{duplicate}", admin.Token, Details("Roux", "Hugo"), ifMatch: "W/\"2\""))
        {
            Assert.Equal(HttpStatusCode.Conflict, change.StatusCode);
        }
        using (var again = await _content.SendAsync(HttpMethod.Post, $"{Patients}/{survivor}/merge", admin.Token, new { mergeId = duplicate }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        var records = await AccessRecordsAsync(_content, admin, duplicate);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "merge"
            && r.GetProperty("patientIds").EnumerateArray().Select(p => p.GetGuid()).Order().SequenceEqual(new[] { survivor, duplicate }.Order()));
    }

    [Fact]
    public async Task Another_organization_s_patient_is_not_found_by_any_endpoint()
    {
        var owner = await _content.NewOrganizationAdminAsync();
        var stranger = await _content.NewOrganizationAdminAsync();
        var id = (await CreateAsync(_content, owner, Details("Fontaine", "Jules"))).GetProperty("id").GetGuid();
        var strangers = (await CreateAsync(_content, stranger, Details("Fontaine", "Julie"))).GetProperty("id").GetGuid();

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, $"{Patients}/{id}", null),
            (HttpMethod.Put, $"{Patients}/{id}", Details("Fontaine", "Jules")),
            (HttpMethod.Post, $"{Patients}/{id}/merge", new { mergeId = strangers }),
            (HttpMethod.Post, $"{Patients}/{strangers}/merge", new { mergeId = id }),
            (HttpMethod.Get, $"{Patients}/{id}/history", null),
            (HttpMethod.Get, $"{Patients}/{id}/history/1", null),
        })
        {
            using var response = await SendAsync(_content, method, path, stranger.Token, body, ifMatch: "W/\"1\"");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }
        Assert.Equal([strangers], Ids(await SearchAsync(_content, stranger, "name=fontaine")));
        Assert.Empty(Ids(await SearchAsync(_content, stranger, $"identifier=urn:medicalhub:organization:{owner.OrganizationId}:mrn|000001")));

        using var stillThere = await _content.SendAsync(HttpMethod.Get, $"{Patients}/{id}", owner.Token);
        Assert.Equal("Jules", (await ServiceCaller.JsonAsync(stillThere)).GetProperty("names")[0].GetProperty("given")[0].GetString());
        Assert.DoesNotContain(await AccessRecordsAsync(_content, stranger, id), r => true);
    }

    [Fact]
    public async Task Reading_needs_patients_read_and_changing_needs_patients_write()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var id = (await CreateAsync(_content, admin, Details("Lambert", "Eva"))).GetProperty("id").GetGuid();
        var reader = await _content.MemberAsync(admin, await _content.CustomRoleAsync(admin, "patients:read"));
        var clerk = await _content.MemberAsync(admin, await _content.CustomRoleAsync(admin, "users:read"));
        var receptionist = await _content.MemberAsync(admin, IdentityClient.ReceptionistRole);

        foreach (var path in new[] { Patients, $"{Patients}/{id}", $"{Patients}/{id}/history" })
        {
            using var refused = await _content.SendAsync(HttpMethod.Get, path, clerk.Token);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var allowed = await _content.SendAsync(HttpMethod.Get, path, reader.Token);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            using var anonymous = await _content.SendAsync(HttpMethod.Get, path, token: null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using (var readerWrites = await _content.SendAsync(HttpMethod.Post, Patients, reader.Token, Details("Lambert", "Noé")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, readerWrites.StatusCode);
        }
        // The front desk registers patients.
        await CreateAsync(_content, receptionist, Details("Lambert", "Noé"));
    }

    public static TheoryData<string> InvalidBodies => new()
    {
        """{"names":[{"family":"Nul\u0000Byte","given":["A"]}],"gender":"male"}""",
        $$"""{"names":[{"family":"{{new string('x', 10_000)}}","given":["A"]}]}""",
        """{"names":[]}""",
        """{"names":[null]}""",
        """{"names":[{"family":"Ok"}],"gender":"robot"}""",
        """{"names":[{"family":"Ok"}],"birthDate":"2999-01-01"}""",
        """{"names":[{"family":"Ok"}],"birthDate":"not a date"}""",
        """{"names":[{"family":"Ok"}],"identifiers":[{"system":"not a uri","value":"1"}]}""",
        """{"names":[{"family":"Ok"}],"identifiers":[{"system":"urn:x","value":""}]}""",
        """{"names":[{"family":"Ok"}],"telecom":[{"system":"pigeon","value":"coo"}]}""",
        """{"names":[{"family":"Ok"}],"telecom":[{"value":"0123"}]}""",
        """{"names":[{"family":"Ok"}""",
        "[]",
        "",
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task A_bad_patient_is_refused_with_a_problem_and_nothing_is_registered(string json)
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, Patients) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", admin.Token);
        using var response = await _content.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await SearchAsync(_content, admin, "")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var huge = $$"""{"names":[{"family":"Big","text":"{{new string('x', 3_000_000)}}"}]}""";

        using var request = new HttpRequestMessage(HttpMethod.Post, Patients) { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", admin.Token);
        // As a large upload should: the body is sent only once the server says it will read it, so the refusal arrives whole.
        request.Headers.ExpectContinue = true;
        using var response = await _content.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("birthDate=yesterday")]
    [InlineData("birthDate=1980-13-01")]
    [InlineData("birthDate=xx1980")]
    [InlineData("name=%00")]
    [InlineData("name=---")]
    [InlineData("identifier=a,b")]
    [InlineData("identifier=|")]
    [InlineData("active=maybe")]
    [InlineData("pageSize=1000")]
    [InlineData("page=0")]
    public async Task Malformed_search_parameters_are_a_validation_problem(string query)
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using var response = await _content.SendAsync(HttpMethod.Get, $"{Patients}?{query}", admin.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_search_value_too_long_is_refused()
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using var response = await _content.SendAsync(HttpMethod.Get, $"{Patients}?name={new string('a', 5_000)}", admin.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_purpose_of_use_is_refused_before_any_data_is_read_or_recorded()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var id = (await CreateAsync(_content, admin, Details("Chevalier", "Rose"))).GetProperty("id").GetGuid();

        using var response = await SendAsync(_content, HttpMethod.Get, $"{Patients}/{id}", admin.Token, purposeOfUse: "CURIOSITY");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Chevalier", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(["create"], (await AccessRecordsAsync(_content, admin, id)).Select(r => r.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Changes_are_published_to_subscribers_with_Content_s_token_and_redelivered_until_accepted()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        FakeEventSubscriber.Answer(admin.OrganizationId, 503);
        var survivor = (await CreateAsync(_content, admin, Details("Blanc", "Marc"))).GetProperty("id").GetGuid();
        var other = (await CreateAsync(_content, admin, Details("Blanc", "Marc", "1980-05-17", "male"))).GetProperty("id").GetGuid();
        using (var updated = await SendAsync(_content, HttpMethod.Put, $"{Patients}/{survivor}", admin.Token, Details("Blanc", "Marc-Antoine"), ifMatch: "W/\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }
        using (var merged = await _content.SendAsync(HttpMethod.Post, $"{Patients}/{survivor}/merge", admin.Token, new { mergeId = other }))
        {
            Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        }

        var deliveries = await FakeEventSubscriber.WaitAsync(admin.OrganizationId,
            d => d.Count(x => x.AnsweredStatus == 202) >= 4 && d.Any(x => x.AnsweredStatus == 503));
        var accepted = deliveries.Where(d => d.AnsweredStatus == 202).ToList();
        Assert.Equal(4, accepted.Select(d => d.MessageId).Distinct().Count());
        var refused = Assert.Single(deliveries, d => d.AnsweredStatus == 503);
        Assert.Contains(accepted, d => d.MessageId == refused.MessageId); // the same message again, after the 503

        var created = accepted.Where(d => d.Type == "patient.created").Select(d => d.Data.GetProperty("patientId").GetGuid()).Order();
        Assert.Equal(new[] { survivor, other }.Order(), created);
        var update = Assert.Single(accepted, d => d.Type == "patient.updated");
        Assert.Equal((survivor, 2, "Blanc"), (update.Data.GetProperty("patientId").GetGuid(), update.Data.GetProperty("version").GetInt32(), update.Data.GetProperty("family").GetString()));
        Assert.Equal("000001", accepted.First(d => d.Type == "patient.created" && d.Data.GetProperty("patientId").GetGuid() == survivor).Data.GetProperty("medicalRecordNumber").GetString());
        var merge = Assert.Single(accepted, d => d.Type == "patient.merged");
        Assert.Equal((survivor, other), (merge.Data.GetProperty("survivorId").GetGuid(), merge.Data.GetProperty("mergedId").GetGuid()));

        Assert.All(accepted, d =>
        {
            Assert.Equal("content", d.Event.GetProperty("source").GetString());
            Assert.StartsWith("Bearer ", d.Authorization, StringComparison.Ordinal);
            var token = IdentityClient.Payload(d.Authorization!["Bearer ".Length..]);
            Assert.Equal("content", token.GetProperty("client_id").GetString());
            var audience = token.GetProperty("aud");
            Assert.Contains(FakeEventSubscriber.Audience, audience.ValueKind == JsonValueKind.Array ? audience.EnumerateArray().Select(a => a.GetString()) : [audience.GetString()]);
        });
    }
}
