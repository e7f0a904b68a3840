using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>Versions (add, list, download any, restore), optimistic concurrency with If-Match, and download semantics (Range, ETag, If-None-Match, If-Range).</summary>
public sealed class DocumentVersionTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    [Fact]
    public async Task A_new_upload_adds_a_version_every_version_downloads_and_restoring_one_makes_it_the_newest()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var (v1, v2) = (DocumentsClient.Pdf("first"), DocumentsClient.Pdf("second"));
        var created = await _content.CreateAsync(admin, v1, "draft.pdf");
        var id = created.GetProperty("id").GetGuid();
        var etag = created.GetProperty("etag").GetString()!;

        using (var second = await _content.UploadMultipartAsync(admin.Token, v2, "final.pdf", path: $"/api/documents/{id}/versions", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            var document = await ServiceCaller.JsonAsync(second);
            Assert.Equal(2, document.GetProperty("currentVersion").GetInt32());
            Assert.Equal("final.pdf", document.GetProperty("fileName").GetString());
            etag = document.GetProperty("etag").GetString()!;
        }
        Assert.Equal(v2, await _content.DownloadAsync($"/api/documents/{id}/content", admin.Token));
        Assert.Equal(v1, await _content.DownloadAsync($"/api/documents/{id}/versions/1/content", admin.Token));

        using (var restore = await Send(HttpMethod.Post, $"/api/documents/{id}/versions/1/restore", admin.Token, etag))
        {
            Assert.Equal(HttpStatusCode.Created, restore.StatusCode);
            Assert.Equal(3, (await ServiceCaller.JsonAsync(restore)).GetProperty("currentVersion").GetInt32());
        }
        Assert.Equal(v1, await _content.DownloadAsync($"/api/documents/{id}/content", admin.Token));

        using var versions = await _content.GetAsync($"/api/documents/{id}/versions", admin.Token);
        var list = (await ServiceCaller.JsonAsync(versions)).EnumerateArray().ToList();
        Assert.Equal([3, 2, 1], list.Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(1, list[0].GetProperty("restoredFrom").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(v1)), list[0].GetProperty("sha256").GetString());
        // The restore reuses the bytes: two objects for three versions.
        Assert.Equal(2, await _content.StoredObjectCountAsync(admin.OrganizationId));
        using var missing = await _content.GetAsync($"/api/documents/{id}/versions/9/content", admin.Token);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_stale_If_Match_is_refused_before_the_upload_is_read_and_changes_nothing()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var created = await _content.CreateAsync(admin);
        var id = created.GetProperty("id").GetGuid();
        var stale = created.GetProperty("etag").GetString()!;
        using (var rename = await Send(HttpMethod.Patch, $"/api/documents/{id}", admin.Token, stale, new { title = "Renamed" }))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
            Assert.NotEqual(stale, rename.Headers.ETag?.ToString());
        }

        using (var upload = await _content.UploadMultipartAsync(admin.Token, DocumentsClient.Pdf(), path: $"/api/documents/{id}/versions", ifMatch: stale))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, upload.StatusCode);
        }
        using (var restore = await Send(HttpMethod.Post, $"/api/documents/{id}/versions/1/restore", admin.Token, stale))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, restore.StatusCode);
        }
        using (var rename = await Send(HttpMethod.Patch, $"/api/documents/{id}", admin.Token, stale, new { title = "Lost update" }))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, rename.StatusCode);
        }
        using (var delete = await Send(HttpMethod.Delete, $"/api/documents/{id}", admin.Token, stale))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, delete.StatusCode);
        }

        using var now = await _content.GetAsync($"/api/documents/{id}", admin.Token);
        var document = await ServiceCaller.JsonAsync(now);
        Assert.Equal("Renamed", document.GetProperty("title").GetString());
        Assert.Equal(1, document.GetProperty("currentVersion").GetInt32());
        Assert.Equal(1, await _content.StoredObjectCountAsync(admin.OrganizationId));
    }

    [Fact]
    public async Task Downloads_honour_Range_If_None_Match_and_If_Range()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var file = DocumentsClient.Random(5_000_000); // several blocks and chunks
        var id = (await _content.CreateAsync(admin, file)).GetProperty("id").GetGuid();
        var path = $"/api/documents/{id}/content";

        using var full = await _content.GetAsync(path, admin.Token);
        var etag = full.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(file))}\"", etag.Tag);
        Assert.Contains("bytes", full.Headers.AcceptRanges);

        using (var range = await _content.GetAsync(path, admin.Token, h => h.Range = new RangeHeaderValue(4_194_000, 4_194_999)))
        {
            Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
            Assert.Equal(file[4_194_000..4_195_000], await range.Content.ReadAsByteArrayAsync(Ct));
            Assert.Equal($"bytes 4194000-4194999/{file.Length}", range.Content.Headers.ContentRange?.ToString());
        }
        using (var suffix = await _content.GetAsync(path, admin.Token, h => h.Range = new RangeHeaderValue(null, 100)))
        {
            Assert.Equal(file[^100..], await suffix.Content.ReadAsByteArrayAsync(Ct));
        }
        using (var beyond = await _content.GetAsync(path, admin.Token, h => h.Range = new RangeHeaderValue(file.Length + 10, null)))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        }
        using (var unchanged = await _content.GetAsync(path, admin.Token, h => h.IfNoneMatch.Add(etag)))
        {
            Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
            Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync(Ct));
        }
        using (var changed = await _content.GetAsync(path, admin.Token, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""))))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        using (var staleRange = await _content.GetAsync(path, admin.Token, h =>
               {
                   h.Range = new RangeHeaderValue(0, 9);
                   h.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"other\""));
               }))
        {
            // The client's copy is of other bytes: it gets them all.
            Assert.Equal(HttpStatusCode.OK, staleRange.StatusCode);
            Assert.Equal(file.Length, (await staleRange.Content.ReadAsByteArrayAsync(Ct)).Length);
        }
        using (var preconditioned = await _content.GetAsync(path, admin.Token, h => h.IfMatch.Add(new EntityTagHeaderValue("\"other\""))))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, preconditioned.StatusCode);
        }
    }

    [Fact]
    public async Task A_deleted_document_is_gone_until_an_administrator_restores_it_and_purged_with_its_bytes_after_the_retention()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var practitioner = await _content.Caller.MemberAsync(admin, Identity.IdentityClient.PractitionerRole);
        var kept = (await _content.CreateAsync(admin)).GetProperty("id").GetGuid();
        var purged = (await _content.CreateAsync(admin)).GetProperty("id").GetGuid();

        foreach (var id in new[] { kept, purged })
        {
            using var delete = await Send(HttpMethod.Delete, $"/api/documents/{id}", practitioner.Token);
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            using var gone = await _content.GetAsync($"/api/documents/{id}/content", admin.Token);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // Practitioners delete; only administrators see the deleted and restore them.
        using (var refused = await _content.GetAsync("/api/documents/deleted", practitioner.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var deleted = await _content.GetAsync("/api/documents/deleted", admin.Token))
        {
            Assert.Equal(2, (await ServiceCaller.JsonAsync(deleted)).GetArrayLength());
        }
        using (var refused = await Send(HttpMethod.Post, $"/api/documents/{kept}/undelete", practitioner.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var restored = await Send(HttpMethod.Post, $"/api/documents/{kept}/undelete", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }
        Assert.NotEmpty(await _content.DownloadAsync($"/api/documents/{kept}/content", admin.Token));

        // Past the retention the other one is purged, and the sweeper removes its bytes.
        await DocumentsClient.EventuallyAsync(async () => await _content.ScalarAsync<long>("SELECT count(*) FROM documents WHERE id = @id", ("id", purged)) == 0,
            "the deleted document is purged");
        await DocumentsClient.EventuallyAsync(async () => await _content.StoredObjectCountAsync(admin.OrganizationId) == 1 && await _content.BlobCountAsync(admin.OrganizationId) == 1,
            "the purged document's bytes are removed");
        using var tooLate = await Send(HttpMethod.Post, $"/api/documents/{purged}/undelete", admin.Token);
        Assert.Equal(HttpStatusCode.NotFound, tooLate.StatusCode);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, string? ifMatch = null, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await _content.Http.SendAsync(request, Ct);
    }
}
