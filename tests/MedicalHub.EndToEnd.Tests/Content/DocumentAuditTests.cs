using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// The PHI access audit of documents: every read, download (any version), version list, share and link made, used or
/// revoked, change (upload, new version, restore, rename, delete, undelete, purge) and search hit opened writes its record,
/// naming the document's patient; a change that is refused writes none; reads through a share by another organization's
/// user are recorded in the owner's chain with the reader's identity; every chain still verifies.
/// </summary>
public sealed class DocumentAuditTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    private sealed record Expected(string Action, string ResourceType, string? DetailContains, bool ByUser = true);

    [Fact]
    public async Task Every_document_share_and_link_path_writes_its_record_naming_the_patient_and_the_chain_verifies()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var specialist = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(admin, "Audited", "Anna");
        var document = await _content.CreateAsync(admin, patientId: patient);
        var id = document.GetProperty("id").GetGuid();
        var expected = new List<Expected> { new(PhiActions.Create, "DocumentReference", "version 1") };

        async Task OkAsync(HttpMethod method, string path, object? body = null, HttpStatusCode status = HttpStatusCode.OK, string? token = null)
        {
            using var response = await SendAsync(method, path, token ?? admin.Token, body);
            Assert.True(response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        await OkAsync(HttpMethod.Get, $"/api/documents/{id}");
        expected.Add(new(PhiActions.Read, "DocumentReference", null));
        await OkAsync(HttpMethod.Get, $"/api/documents/{id}?fromSearch=true");
        expected.Add(new(PhiActions.SearchHitOpened, "DocumentReference", null));
        await OkAsync(HttpMethod.Get, $"/api/documents?patientId={patient}");
        expected.Add(new(PhiActions.Search, "DocumentReference", null));
        await OkAsync(HttpMethod.Get, $"/api/documents/{id}/versions");
        expected.Add(new(PhiActions.Read, "DocumentReference", "versions"));
        await OkAsync(HttpMethod.Get, $"/api/documents/{id}/content");
        expected.Add(new(PhiActions.Download, "DocumentReference", "version 1"));
        using (var upload = await _content.UploadMultipartAsync(admin.Token, DocumentsClient.Pdf("second"), path: $"/api/documents/{id}/versions"))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }
        expected.Add(new(PhiActions.Update, "DocumentReference", "version 2"));
        await OkAsync(HttpMethod.Get, $"/api/documents/{id}/versions/1/content");
        expected.Add(new(PhiActions.Download, "DocumentReference", "version 1"));
        await OkAsync(HttpMethod.Post, $"/api/documents/{id}/versions/1/restore", status: HttpStatusCode.Created);
        expected.Add(new(PhiActions.Update, "DocumentReference", "version 1 restored as version 3"));
        await OkAsync(HttpMethod.Patch, $"/api/documents/{id}", new { title = "Renamed" });
        expected.Add(new(PhiActions.Update, "DocumentReference", "title"));

        var share = await CreatedIdAsync(admin.Token, "/api/shares",
            new { documentId = id, recipientUserId = specialist.Account.UserId, recipientOrganizationId = specialist.OrganizationId });
        expected.Add(new(PhiActions.Share, "DocumentReference", $"share {share} to user {specialist.Account.UserId}"));
        var chartShare = await CreatedIdAsync(admin.Token, "/api/shares", new { patientId = patient, recipientRole = "Nurse" });
        expected.Add(new(PhiActions.Share, "Patient", $"share {chartShare} to role Nurse"));
        await OkAsync(HttpMethod.Delete, $"/api/shares/{share}", status: HttpStatusCode.NoContent);
        expected.Add(new(PhiActions.Revoke, "DocumentReference", $"share {share}"));
        await OkAsync(HttpMethod.Delete, $"/api/shares/{chartShare}", status: HttpStatusCode.NoContent);
        expected.Add(new(PhiActions.Revoke, "Patient", $"share {chartShare}"));

        using var created = await SendAsync(HttpMethod.Post, "/api/share-links", admin.Token, new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        var link = await ServiceCaller.JsonAsync(created);
        var linkId = link.GetProperty("link").GetProperty("id").GetGuid();
        expected.Add(new(PhiActions.Share, "DocumentReference", $"share link {linkId}"));
        foreach (var path in new[] { "/api/public/share-links/document", "/api/public/share-links/document/content" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Share-Token", link.GetProperty("token").GetString());
            using var opened = await _content.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }
        expected.Add(new(PhiActions.Read, "DocumentReference", $"share link {linkId}", ByUser: false));
        expected.Add(new(PhiActions.Download, "DocumentReference", $"share link {linkId}, version 3", ByUser: false));
        await OkAsync(HttpMethod.Delete, $"/api/share-links/{linkId}", status: HttpStatusCode.NoContent);
        expected.Add(new(PhiActions.Revoke, "DocumentReference", $"share link {linkId}"));

        // A refused change (a stale If-Match) writes nothing.
        using (var refused = await SendAsync(HttpMethod.Patch, $"/api/documents/{id}", admin.Token, new { title = "Lost" }, ifMatch: "\"r1\""))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        }
        await OkAsync(HttpMethod.Delete, $"/api/documents/{id}", status: HttpStatusCode.NoContent);
        expected.Add(new(PhiActions.Delete, "DocumentReference", null));
        await OkAsync(HttpMethod.Post, $"/api/documents/{id}/undelete");
        expected.Add(new(PhiActions.Restore, "DocumentReference", "undeleted"));

        // Every record naming the patient, oldest first, but the patient's own registration.
        var records = (await _content.AccessRecordsAsync(admin, $"patientId={patient}"))
            .Where(r => !(r.GetProperty("resourceType").GetString() == "Patient" && r.GetProperty("action").GetString() == PhiActions.Create))
            .Reverse().ToList();
        Assert.Equal(expected.Select(e => (e.Action, e.ResourceType)), records.Select(r => (r.GetProperty("action").GetString()!, r.GetProperty("resourceType").GetString()!)));
        foreach (var (want, record) in expected.Zip(records))
        {
            Assert.Equal([patient], record.GetProperty("patientIds").EnumerateArray().Select(p => p.GetGuid()));
            if (want.DetailContains is not null)
            {
                Assert.Contains(want.DetailContains, record.GetProperty("detail").GetString() ?? "", StringComparison.Ordinal);
            }
            var user = record.GetProperty("userId");
            Assert.Equal(want.ByUser ? admin.Account.UserId : (Guid?)null, user.ValueKind == JsonValueKind.Null ? (Guid?)null : user.GetGuid());
        }
        await _content.AssertChainVerifiesAsync(admin);
    }

    [Fact]
    public async Task Reads_through_a_share_are_recorded_in_the_owner_s_chain_with_the_reader_s_identity()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var specialist = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(owner, "Shared", "Sam");
        var id = (await _content.CreateAsync(owner, patientId: patient)).GetProperty("id").GetGuid();
        await CreatedIdAsync(owner.Token, "/api/shares", new { documentId = id, recipientUserId = specialist.Account.UserId, recipientOrganizationId = specialist.OrganizationId });

        foreach (var path in new[] { $"/api/documents/{id}", $"/api/documents/{id}/content", $"/api/documents/{id}/versions", $"/api/documents/{id}/versions/1/content", "/api/shares/received/documents" })
        {
            using var read = await _content.GetAsync(path, specialist.Token);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var theirs = (await _content.AccessRecordsAsync(specialist, $"patientId={patient}"));
        Assert.Empty(theirs);
        var owners = (await _content.AccessRecordsAsync(owner, $"userId={specialist.Account.UserId}")).Reverse().ToList();
        Assert.Equal([PhiActions.Read, PhiActions.Download, PhiActions.Read, PhiActions.Download, PhiActions.Search], owners.Select(r => r.GetProperty("action").GetString()));
        Assert.All(owners, r =>
        {
            Assert.Equal([patient], r.GetProperty("patientIds").EnumerateArray().Select(p => p.GetGuid()));
            Assert.Contains($"organization {specialist.OrganizationId}", r.GetProperty("detail").GetString(), StringComparison.Ordinal);
        });
        await _content.AssertChainVerifiesAsync(owner);
        await _content.AssertChainVerifiesAsync(specialist);
    }

    [Fact]
    public async Task A_purge_after_the_retention_is_recorded_by_Content_itself()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var patient = await _content.NewPatientAsync(admin, "Purged", "Paul");
        var id = (await _content.CreateAsync(admin, patientId: patient)).GetProperty("id").GetGuid();
        using (var delete = await SendAsync(HttpMethod.Delete, $"/api/documents/{id}", admin.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        JsonElement? purge = null;
        await DocumentsClient.EventuallyAsync(async () =>
        {
            purge = (await _content.AccessRecordsAsync(admin, $"patientId={patient}&action=purge")).SingleOrDefault();
            return purge is { ValueKind: JsonValueKind.Object };
        }, "the purge's record");
        Assert.Equal(id.ToString(), purge!.Value.GetProperty("resourceId").GetString());
        Assert.Equal(JsonValueKind.Null, purge.Value.GetProperty("userId").ValueKind);
        Assert.Equal(PhiAccessAudit.ServiceClientId, purge.Value.GetProperty("clientId").GetString());
        using (var gone = await _content.GetAsync("/api/documents/deleted", admin.Token))
        {
            Assert.DoesNotContain(id.ToString(), await gone.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        await _content.AssertChainVerifiesAsync(admin);
    }

    private async Task<Guid> CreatedIdAsync(string token, string path, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, path, token, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ServiceCaller.JsonAsync(response)).GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await _content.Http.SendAsync(request, Ct);
    }
}
