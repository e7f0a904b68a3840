using System.Net;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// Full-text search over documents and patients: ranked matches with highlighted snippets, phrases, prefixes as you type
/// and accents ignored, within the searcher's organization only; each search and each opened hit is in the PHI access audit.
/// </summary>
public sealed class SearchTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    /// <summary>A word no other test writes (letters only, so the stemmer leaves it whole).</summary>
    private static string UniqueWord(string prefix) =>
        prefix + new string([.. Guid.NewGuid().ToString("N").Take(10).Select(c => (char)('a' + (Convert.ToInt32(c.ToString(), 16) % 26)))]);

    [Fact]
    public async Task Documents_and_patients_are_found_ranked_and_marked_in_the_searcher_s_organization_only()
    {
        var (owner, stranger, word, family, patient, strangersPatient, echo, other, strangers) = await TwoOrganizationsAsync();

        // The owner finds their document, with the word marked, ranked in the RUM index; and their patient by name.
        var found = await SearchAsync(owner, $"q={word}");
        var hit = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal(echo, hit.GetProperty("documentId").GetGuid());
        Assert.Contains($"<mark>{word}</mark>", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.True(hit.GetProperty("rank").GetDouble() > 0);
        Assert.Equal("rum", found.GetProperty("index").GetString());
        Assert.Equal([patient], PatientIds(await SearchAsync(owner, $"q={family}")));

        // Phrases, the word being typed, accents ignored, or, and the patient filter.
        Assert.Equal([echo], Ids(await SearchAsync(owner, "q=%22mitral%20regurgitation%22")));
        Assert.Empty(Ids(await SearchAsync(owner, "q=%22regurgitation%20mitral%22")));
        Assert.Equal([echo], Ids(await SearchAsync(owner, "q=mitral%20regurgit&prefix=true")));
        Assert.Equal([echo], Ids(await SearchAsync(owner, "q=echographie")));
        Assert.Equal(new[] { echo, other }.Order(), Ids(await SearchAsync(owner, $"q=mitral%20or%20pressure&patientId={patient}")).Order());

        // The stranger, searching the same words, finds only their own document and their own patient.
        Assert.Equal([strangers], Ids(await SearchAsync(stranger, $"q={word}")));
        Assert.Empty(Ids(await SearchAsync(stranger, "q=mitral")));
        Assert.Empty(Ids(await SearchAsync(stranger, $"q={word}&patientId={patient}")));
        Assert.Equal([strangersPatient], PatientIds(await SearchAsync(stranger, $"q={family}")));
        using var open = await _content.GetAsync($"/api/search/documents/{echo}?q={word}", stranger.Token);
        Assert.Equal(HttpStatusCode.NotFound, open.StatusCode);
    }

    [Fact]
    public async Task Every_search_and_every_opened_hit_is_in_the_access_audit_of_the_searcher_s_organization()
    {
        var (owner, stranger, word, family, patient, _, echo, _, _) = await TwoOrganizationsAsync();
        Assert.Equal([echo], Ids(await SearchAsync(owner, $"q={word}")));
        Assert.Equal([patient], PatientIds(await SearchAsync(owner, $"q={family}")));
        Assert.Empty(Ids(await SearchAsync(stranger, $"q={word}&patientId={patient}")));

        // Opening the hit shows the matching page marked, and is recorded.
        using (var open = await _content.GetAsync($"/api/search/documents/{echo}?q=mitral", owner.Token))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
            var page = Assert.Single((await ServiceCaller.JsonAsync(open)).GetProperty("pages").EnumerateArray());
            Assert.Contains("<mark>mitral</mark>", page.GetProperty("text").GetString(), StringComparison.Ordinal);
        }
        var records = await PatientClient.AccessRecordsAsync(_content.Caller, owner, patient);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "search" && r.GetProperty("resourceType").GetString() == "DocumentReference"
            && r.GetProperty("userId").GetGuid() == owner.Account.UserId && r.GetProperty("query").GetString() == "q");
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "search" && r.GetProperty("resourceType").GetString() == "Patient");
        var opened = Assert.Single(records, r => r.GetProperty("action").GetString() == "search-hit-opened");
        Assert.Equal(echo.ToString(), opened.GetProperty("resourceId").GetString());
        // Nothing the stranger did is in the owner's trail, and the stranger's trail names none of the owner's patients.
        Assert.DoesNotContain(records, r => r.GetProperty("userId").GetGuid() == stranger.Account.UserId);
        Assert.Empty(await PatientClient.AccessRecordsAsync(_content.Caller, stranger, patient));
    }

    /// <summary>Two organizations, each with a patient of the same name and a document holding the same unique word; the owner has a second document.</summary>
    private async Task<(ServiceCaller.User Owner, ServiceCaller.User Stranger, string Word, string Family, Guid Patient, Guid StrangersPatient, Guid Echo,
        Guid Other, Guid Strangers)> TwoOrganizationsAsync()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var stranger = await _content.Caller.NewOrganizationAdminAsync();
        var word = UniqueWord("zorb");
        var family = UniqueWord("Kestr");
        var patient = (await PatientClient.CreateAsync(_content.Caller, owner, PatientClient.Details(family, "Amélie"))).GetProperty("id").GetGuid();
        var strangersPatient = (await PatientClient.CreateAsync(_content.Caller, stranger, PatientClient.Details(family, "Amélie"))).GetProperty("id").GetGuid();
        var echo = await UploadTextAsync(owner, $"Échographie cardiaque. Echocardiogram shows moderate mitral regurgitation; marker {word}.", patient);
        var other = await UploadTextAsync(owner, "Blood pressure follow-up, nothing of note.", patient);
        var strangers = await UploadTextAsync(stranger, $"The stranger's own letter about {word}.", strangersPatient);
        await IndexedAsync(owner, echo, other);
        await IndexedAsync(stranger, strangers);
        return (owner, stranger, word, family, patient, strangersPatient, echo, other, strangers);
    }

    private static Guid[] PatientIds(JsonElement page) => [.. page.GetProperty("patients").EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];

    [Fact]
    public async Task Bad_searches_are_refused_with_the_reason()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        foreach (var (query, field) in new[] { ("q=", "q"), ("q=%20%20", "q"), ($"q={new string('a', 501)}", "q"), ("q=a%01b", "q"), ("q=x&pageSize=0", "pageSize"),
            ("q=x&page=51", "page"), ("q=x&category=nonsense", "category"), ("q=x&from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z", "to") })
        {
            using var response = await _content.GetAsync($"/api/search?{query}", admin.Token);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query} answered {(int)response.StatusCode}");
            Assert.True((await ServiceCaller.JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), $"{query} did not name {field}");
        }
        // Query syntax is never SQL or tsquery syntax: these are words, and simply match nothing.
        foreach (var query in new[] { "q=%27%3B%20DROP%20TABLE%20documents%3B--", "q=a%20%26%20%7C%20!%20%3A*", "q=%22unclosed" })
        {
            using var response = await _content.GetAsync($"/api/search?{query}&prefix=true", admin.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var anonymous = await _content.GetAsync("/api/search?q=x", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<Guid> UploadTextAsync(ServiceCaller.User user, string text, Guid patient)
    {
        using var response = await _content.UploadMultipartAsync(user.Token, Encoding.UTF8.GetBytes(text), "note.txt", "text/plain", title: "Clinical note",
            category: "clinical-note", patientId: patient);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ServiceCaller.JsonAsync(response)).GetProperty("id").GetGuid();
    }

    private async Task IndexedAsync(ServiceCaller.User user, params Guid[] ids)
    {
        foreach (var id in ids)
        {
            await DocumentsClient.EventuallyAsync(async () =>
            {
                using var response = await _content.GetAsync($"/api/documents/{id}/ingestion", user.Token);
                return (await ServiceCaller.JsonAsync(response)).GetProperty("state").GetString() == "indexed";
            }, $"document {id} indexed");
        }
    }

    private async Task<JsonElement> SearchAsync(ServiceCaller.User user, string query)
    {
        using var response = await _content.GetAsync($"/api/search?{query}", user.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await ServiceCaller.JsonAsync(response);
    }

    private static Guid[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("documentId").GetGuid())];
}
