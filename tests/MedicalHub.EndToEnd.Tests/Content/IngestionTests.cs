using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// The ingestion pipeline as users see it: every uploaded version is processed in the background (text, pages, metadata,
/// thumbnails) and its state is in the API; a document that cannot be read ends failed with its reason and can be
/// re-run; another organization's user sees none of it.
/// </summary>
public sealed class IngestionTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    [Fact]
    public async Task An_uploaded_pdf_is_processed_and_its_pages_metadata_and_thumbnails_are_in_the_api()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var id = (await _content.CreateAsync(admin, TestPdf.WithPages("Echocardiography: mild mitral regurgitation.", "Second page, no change since 2024.")))
            .GetProperty("id").GetGuid();

        var status = await SettledAsync(admin, id);
        Assert.Equal("indexed", status.GetProperty("state").GetString());
        Assert.Equal(1, status.GetProperty("version").GetInt32());
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        var extraction = status.GetProperty("extraction");
        Assert.Equal("pdf", extraction.GetProperty("extractor").GetString());
        Assert.Equal(2, extraction.GetProperty("pageCount").GetInt32());
        Assert.Equal(0, extraction.GetProperty("ocrPageCount").GetInt32());
        Assert.True(extraction.GetProperty("characterCount").GetInt32() > 60);
        Assert.Equal(["large", "small"], extraction.GetProperty("thumbnails").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(extraction.GetProperty("metadata").EnumerateArray(), m => m.GetProperty("name").GetString() == "pdfVersion");

        // The pages' text is what pdftotext read, page by page.
        Assert.Equal("Second page, no change since 2024.", (await _content.ScalarAsync<string>(
            "SELECT text FROM document_text_pages WHERE document_id = @id AND page_number = 2", ("id", id)))?.Trim());

        // The thumbnail is a PNG with a strong ETag; asking again with it answers 304.
        string etag;
        using (var thumbnail = await _content.GetAsync($"/api/documents/{id}/thumbnail?size=small", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
            Assert.Equal("image/png", thumbnail.Content.Headers.ContentType?.MediaType);
            var png = await thumbnail.Content.ReadAsByteArrayAsync(Ct);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            etag = thumbnail.Headers.ETag!.Tag;
            Assert.Contains("private", thumbnail.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        }
        using (var again = await _content.GetAsync($"/api/documents/{id}/thumbnail?size=small", admin.Token, h => h.IfNoneMatch.Add(new EntityTagHeaderValue(etag))))
        {
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }
        using (var wrongSize = await _content.GetAsync($"/api/documents/{id}/thumbnail?size=huge", admin.Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongSize.StatusCode);
        }

        // A new version is processed again: its own job, and the state follows the current version.
        using (var upload = await _content.UploadMultipartAsync(admin.Token, Encoding.UTF8.GetBytes("Plain text follow-up note."), "note.txt", "text/plain",
            path: $"/api/documents/{id}/versions"))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }
        var second = await SettledAsync(admin, id, version: 2);
        Assert.Equal("indexed", second.GetProperty("state").GetString());
        Assert.Equal("text", second.GetProperty("extraction").GetProperty("extractor").GetString());
        Assert.Equal(2L, await _content.ScalarAsync<long>("SELECT count(*) FROM ingestion_jobs WHERE document_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_corrupt_pdf_ends_failed_with_its_reason_is_listed_and_counted_and_a_rerun_processes_it_again()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var id = (await _content.CreateAsync(admin, DocumentsClient.Random(4096))).GetProperty("id").GetGuid();

        var status = await SettledAsync(admin, id);
        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Equal(1, status.GetProperty("attempts").GetInt32()); // an unreadable document is not retried
        Assert.StartsWith("The PDF cannot be read", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("/tmp", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        using (var failed = await _content.GetAsync("/api/ingestion/documents?state=failed", admin.Token))
        {
            var page = await ServiceCaller.JsonAsync(failed);
            Assert.Equal(id, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("documentId").GetGuid());
        }
        using (var summary = await _content.GetAsync("/api/ingestion", admin.Token))
        {
            var counts = (await ServiceCaller.JsonAsync(summary)).GetProperty("documents");
            Assert.Equal(1, counts.GetProperty("failed").GetInt32());
            Assert.Equal(0, counts.GetProperty("indexed").GetInt32());
        }
        using (var badState = await _content.GetAsync("/api/ingestion/documents?state=lost", admin.Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        }

        var before = DateTimeOffset.Parse(status.GetProperty("updatedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        using (var rerun = await _content.Caller.SendAsync(HttpMethod.Post, $"/api/documents/{id}/ingestion/rerun", admin.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        }
        var again = await SettledAsync(admin, id, after: before);
        Assert.Equal("failed", again.GetProperty("state").GetString());
        Assert.Equal(1, again.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Another_organization_s_user_sees_neither_the_state_nor_the_thumbnails_and_cannot_rerun()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var stranger = await _content.Caller.NewOrganizationAdminAsync();
        var id = (await _content.CreateAsync(owner, TestPdf.WithPages("Discharge summary for the owner only."))).GetProperty("id").GetGuid();
        Assert.Equal("indexed", (await SettledAsync(owner, id)).GetProperty("state").GetString());

        foreach (var path in new[] { $"/api/documents/{id}/ingestion", $"/api/documents/{id}/thumbnail?size=small", $"/api/documents/{id}/thumbnail?size=large" })
        {
            using var response = await _content.GetAsync(path, stranger.Token);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path} answered {(int)response.StatusCode}");
        }
        using (var rerun = await _content.Caller.SendAsync(HttpMethod.Post, $"/api/documents/{id}/ingestion/rerun", stranger.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, rerun.StatusCode);
        }
        using (var rerunAll = await _content.Caller.SendAsync(HttpMethod.Post, "/api/ingestion/rerun", stranger.Token, new { onlyFailed = false }))
        {
            Assert.Equal(HttpStatusCode.Accepted, rerunAll.StatusCode);
            Assert.Equal(0, (await ServiceCaller.JsonAsync(rerunAll)).GetProperty("queued").GetInt32());
        }
        using (var summary = await _content.GetAsync("/api/ingestion", stranger.Token))
        {
            Assert.Equal(0, (await ServiceCaller.JsonAsync(summary)).GetProperty("documents").GetProperty("indexed").GetInt32());
        }
        // The owner's job was not touched by the stranger's re-run of everything.
        Assert.Equal("indexed", await _content.ScalarAsync<string>("SELECT state FROM ingestion_jobs WHERE document_id = @id", ("id", id)));
    }

    /// <summary>The document's ingestion state once it is indexed or failed (of <paramref name="version"/>, changed after <paramref name="after"/>).</summary>
    private async Task<JsonElement> SettledAsync(ServiceCaller.User user, Guid id, int version = 1, DateTimeOffset? after = null)
    {
        JsonElement status = default;
        await DocumentsClient.EventuallyAsync(async () =>
        {
            using var response = await _content.GetAsync($"/api/documents/{id}/ingestion", user.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            status = await ServiceCaller.JsonAsync(response);
            return status.GetProperty("version").GetInt32() == version
                && status.GetProperty("state").GetString() is "indexed" or "failed"
                && (after is null || DateTimeOffset.Parse(status.GetProperty("updatedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > after);
        }, $"document {id} version {version} processed");
        return status;
    }
}
