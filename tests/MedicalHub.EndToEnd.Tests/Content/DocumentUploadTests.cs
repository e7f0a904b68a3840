using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// Uploading documents: multipart and raw, the media type taken from the bytes, and every kind of bad upload refused
/// with a clear 4xx that leaves nothing behind (no document, no version, no stored object, no blob).
/// </summary>
public sealed class DocumentUploadTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    [Fact]
    public async Task A_multipart_upload_is_stored_with_its_hash_size_and_detected_type_and_downloads_byte_for_byte()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var file = DocumentsClient.Random(300_000);
        var patientId = await _content.NewPatientAsync(admin);

        using var created = await _content.UploadMultipartAsync(admin.Token, file, "référence.pdf", "application/pdf", "Referral to cardiology", "referral", patientId);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var document = await ServiceCaller.JsonAsync(created);
        Assert.Equal("application/pdf", document.GetProperty("mediaType").GetString());
        Assert.Equal(file.Length, document.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), document.GetProperty("sha256").GetString());
        Assert.Equal(patientId, document.GetProperty("patientId").GetGuid());
        Assert.Equal("référence.pdf", document.GetProperty("fileName").GetString());
        Assert.Equal(1, document.GetProperty("currentVersion").GetInt32());
        Assert.Equal(document.GetProperty("etag").GetString(), created.Headers.ETag?.ToString());

        var id = document.GetProperty("id").GetGuid();
        using var download = await _content.GetAsync($"/api/documents/{id}/content", admin.Token);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(file, await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("référence.pdf", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());

        using var listed = await _content.GetAsync($"/api/documents?patientId={patientId}", admin.Token);
        Assert.Equal(id, Assert.Single((await ServiceCaller.JsonAsync(listed)).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_raw_upload_takes_its_fields_from_the_query_and_its_type_from_the_bytes_not_the_client()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var png = DocumentsClient.Png();
        var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var created = await _content.UploadRawAsync(admin.Token, content, "title=Wound%20photo&category=imaging&fileName=wound.png");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var document = await ServiceCaller.JsonAsync(created);
        Assert.Equal("image/png", document.GetProperty("mediaType").GetString());
        Assert.Equal("imaging", document.GetProperty("category").GetString());
        Assert.Equal(png, await _content.DownloadAsync($"/api/documents/{document.GetProperty("id").GetGuid()}/content", admin.Token));
    }

    [Theory]
    [InlineData("MSH|^~\\&|LAB|HOSP|||20261203||ORU^R01|1|P|2.5\r", "text/plain", "x-application/hl7-v2+er7")]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":\"final\"}", "application/json", "application/fhir+json")]
    [InlineData("name,value\nglucose,5.4\n", "text/csv", "text/csv")]
    public async Task Text_documents_are_recognised_by_their_shape(string text, string claimed, string expected)
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var document = await UploadExpectingAsync(admin, Encoding.UTF8.GetBytes(text), claimed, HttpStatusCode.Created);
        Assert.Equal(expected, document.GetProperty("mediaType").GetString());
    }

    [Fact]
    public async Task Bytes_that_are_not_what_their_claimed_type_says_are_refused_and_nothing_is_kept()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();

        var refused = await UploadExpectingAsync(admin, DocumentsClient.Png(), "application/pdf", HttpStatusCode.UnprocessableEntity);

        Assert.Contains("image/png", refused.GetProperty("detail").GetString());
        await AssertNothingStoredAsync(admin);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "application/octet-stream")]
    [InlineData("MZ\u0090\0\u0003\0\0\0\u0004\0", "application/pdf")]
    public async Task Files_a_browser_would_run_or_that_are_unknown_are_refused(string content, string claimed)
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        await UploadExpectingAsync(admin, Encoding.Latin1.GetBytes(content), claimed, HttpStatusCode.UnsupportedMediaType);
        await AssertNothingStoredAsync(admin);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..\\..\\windows\\win.ini")]
    [InlineData("C:\\Users\\me\\letter.pdf")]
    [InlineData("letter\u0000.pdf")]
    [InlineData("letter\u202Efdp.exe")]
    [InlineData("..")]
    public async Task File_names_with_path_tricks_are_refused_before_anything_is_stored(string fileName)
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var content = new ByteArrayContent(DocumentsClient.Pdf());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");

        using var raw = await _content.UploadRawAsync(admin.Token, content, $"title=x&category=letter&fileName={Uri.EscapeDataString(fileName)}");
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        Assert.Contains("fileName", await raw.Content.ReadAsStringAsync(Ct));

        // The same name in a multipart part's Content-Disposition (as a browser or curl sends it).
        using var form = new MultipartFormDataContent { { new StringContent("x"), "title" }, { new StringContent("letter"), "category" } };
        var part = new ByteArrayContent(DocumentsClient.Pdf());
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileNameStar = fileName };
        form.Add(part);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
        using var multipart = await _content.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, multipart.StatusCode);
        await AssertNothingStoredAsync(admin);
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_and_a_real_office_document_is_recognised()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        using (var bomb = new MemoryStream())
        {
            using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
            {
                await using var entry = await zip.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).OpenAsync(Ct);
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 64; i++)
                {
                    await entry.WriteAsync(zeros, Ct); // 64 MiB of zeros, a few tens of KiB compressed
                }
            }
            var refused = await UploadExpectingAsync(admin, bomb.ToArray(), "application/zip", HttpStatusCode.UnprocessableEntity);
            Assert.Contains("zip bomb", refused.GetProperty("detail").GetString());
        }
        await AssertNothingStoredAsync(admin);

        using var docx = new MemoryStream();
        using (var zip = new ZipArchive(docx, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "[Content_Types].xml", "word/document.xml" })
            {
                await using var entry = await zip.CreateEntry(name).OpenAsync(Ct);
                await entry.WriteAsync("<?xml version=\"1.0\"?><w:document/>"u8.ToArray(), Ct);
            }
        }
        var document = await UploadExpectingAsync(admin, docx.ToArray(), "application/octet-stream", HttpStatusCode.Created);
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", document.GetProperty("mediaType").GetString());
        // Claimed as a spreadsheet, the same bytes are refused.
        await UploadExpectingAsync(admin, docx.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task An_upload_declared_over_the_limit_is_refused_at_once_without_its_body_through_the_gateway_and_at_the_service()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        foreach (var via in new[] { "gateway", "content" })
        {
            using var client = new DocumentsClient(stack, via);
            // 2 GiB declared, 64 KiB sent: the answer must come without the rest.
            var head = $"POST /api/documents?title=big&category=imaging HTTP/1.1\nHost: {client.Host}\nAuthorization: Bearer {admin.Token}\n"
                + "Content-Type: application/pdf\nContent-Length: 2147483648\n";
            var answer = await client.SendRawAsync(head, DocumentsClient.Random(65_536), 65_536, closeAfter: false, wait: TimeSpan.FromSeconds(15));
            Assert.StartsWith("HTTP/1.1 413", answer);
        }
        await AssertNothingStoredAsync(admin);
    }

    [Fact]
    public async Task An_upload_that_goes_over_the_limit_while_streaming_is_refused_and_its_bytes_discarded()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var tooBig = DocumentsClient.Random((int)DocumentStackSettings.MaxUploadBytes + 1_000_000);
        // Chunked: no length is declared, so only counting the bytes can stop it.
        var content = new StreamContent(new MemoryStream(tooBig));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents?title=big&category=imaging") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);

        HttpStatusCode status;
        try
        {
            using var response = await _content.Http.SendAsync(request, Ct);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = HttpStatusCode.RequestEntityTooLarge; // the server answered and closed while the client was still sending
        }
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        await AssertNothingStoredAsync(admin);
    }

    [Fact]
    public async Task A_body_shorter_than_its_Content_Length_leaves_no_document_and_no_bytes()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var file = DocumentsClient.Random(1_000_000);
        var head = $"POST /api/documents?title=cut&category=imaging HTTP/1.1\nHost: {_content.Host}\nAuthorization: Bearer {admin.Token}\n"
            + $"Content-Type: application/pdf\nContent-Length: {file.Length}\n";

        await _content.SendRawAsync(head, file, 400_000, closeAfter: true);

        await DocumentsClient.EventuallyAsync(async () => await _content.StoredObjectCountAsync(admin.OrganizationId) == 0 && await _content.BlobCountAsync(admin.OrganizationId) == 0,
            "the truncated upload's staged object and bytes are gone");
        await AssertNothingStoredAsync(admin);
    }

    [Fact]
    public async Task A_truncated_multipart_body_and_a_wrong_digest_are_refused_and_leave_nothing()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var file = DocumentsClient.Pdf();
        var body = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nletter\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").Concat(file).ToArray(); // no closing boundary
        using var multipart = new ByteArrayContent(body);
        multipart.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = multipart };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
        using var truncated = await _content.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);

        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        content.Headers.Add("Repr-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData(file.Take(10).ToArray()))}:");
        using var wrongDigest = await _content.UploadRawAsync(admin.Token, content);
        Assert.Equal(HttpStatusCode.BadRequest, wrongDigest.StatusCode);

        var right = new ByteArrayContent(file);
        right.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        right.Headers.Add("Repr-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData(file))}:");
        await AssertNothingStoredAsync(admin);
        using var accepted = await _content.UploadRawAsync(admin.Token, right);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task A_compressed_request_body_is_refused_rather_than_expanded()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(new byte[4 << 20], Ct);
        }
        var content = new ByteArrayContent(gzipped.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await _content.UploadRawAsync(admin.Token, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertNothingStoredAsync(admin);
    }

    [Fact]
    public async Task Identical_bytes_are_kept_once_per_organization_but_not_shared_across_organizations()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var other = await _content.Caller.NewOrganizationAdminAsync();
        var file = DocumentsClient.Pdf("same bytes");

        var first = await _content.CreateAsync(admin, file);
        var second = await _content.CreateAsync(admin, file, "copy.pdf");
        await _content.CreateAsync(other, file);

        Assert.NotEqual(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        Assert.Equal(1, await _content.StoredObjectCountAsync(admin.OrganizationId));
        Assert.Equal(1, await _content.BlobCountAsync(admin.OrganizationId));
        Assert.Equal(1, await _content.StoredObjectCountAsync(other.OrganizationId));
        Assert.Equal(file, await _content.DownloadAsync($"/api/documents/{second.GetProperty("id").GetGuid()}/content", admin.Token));
    }

    [Fact]
    public async Task Missing_fields_and_unknown_categories_are_validation_problems()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        using var noCategory = await _content.UploadMultipartAsync(admin.Token, DocumentsClient.Pdf(), category: "");
        Assert.Equal(HttpStatusCode.BadRequest, noCategory.StatusCode);
        using var badCategory = await _content.UploadMultipartAsync(admin.Token, DocumentsClient.Pdf(), category: "gossip");
        var problem = await badCategory.Content.ReadAsStringAsync(Ct);
        Assert.True(badCategory.StatusCode == HttpStatusCode.BadRequest && problem.Contains("\"category\"", StringComparison.Ordinal), problem);
        await AssertNothingStoredAsync(admin);
    }

    private async Task<System.Text.Json.JsonElement> UploadExpectingAsync(ServiceCaller.User admin, byte[] bytes, string contentType, HttpStatusCode expected)
    {
        using var response = await _content.UploadMultipartAsync(admin.Token, bytes, "file.bin", contentType);
        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.Created)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return await ServiceCaller.JsonAsync(response);
    }

    private async Task AssertNothingStoredAsync(ServiceCaller.User admin)
    {
        using var list = await _content.GetAsync("/api/documents", admin.Token);
        Assert.Equal(0, (await ServiceCaller.JsonAsync(list)).GetProperty("total").GetInt32());
        Assert.Equal(0, await _content.StoredObjectCountAsync(admin.OrganizationId));
        Assert.Equal(0, await _content.BlobCountAsync(admin.OrganizationId));
    }
}
