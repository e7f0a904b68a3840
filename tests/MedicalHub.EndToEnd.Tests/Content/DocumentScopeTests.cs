using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>Every document, version, share and link endpoint, called by another organization's administrator with the owner's ids: not found, and nothing changed.</summary>
public sealed class DocumentScopeTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    [Fact]
    public async Task Another_organization_s_ids_are_not_found_on_any_endpoint_and_nothing_changes()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var stranger = await _content.Caller.NewOrganizationAdminAsync();
        var strangersOwn = await _content.CreateAsync(stranger);
        var document = await _content.CreateAsync(owner);
        var id = document.GetProperty("id").GetGuid();
        var etag = document.GetProperty("etag").GetString()!;
        var share = await CreatedIdAsync(owner.Token, "/api/shares", new { documentId = id, recipientRole = "Nurse" });
        var link = await CreatedIdAsync(owner.Token, "/api/share-links", new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        var deleted = (await _content.CreateAsync(owner)).GetProperty("id").GetGuid();
        using (var delete = await SendAsync(HttpMethod.Delete, $"/api/documents/{deleted}", owner.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var attempts = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"/api/documents/{id}", null),
            (HttpMethod.Get, $"/api/documents/{id}/content", null),
            (HttpMethod.Get, $"/api/documents/{id}/versions", null),
            (HttpMethod.Get, $"/api/documents/{id}/versions/1/content", null),
            (HttpMethod.Post, $"/api/documents/{id}/versions/1/restore", null),
            (HttpMethod.Patch, $"/api/documents/{id}", new { title = "Mine now" }),
            (HttpMethod.Delete, $"/api/documents/{id}", null),
            (HttpMethod.Post, $"/api/documents/{deleted}/undelete", null),
            (HttpMethod.Post, "/api/shares", new { documentId = id, recipientRole = "Nurse" }),
            (HttpMethod.Delete, $"/api/shares/{share}", null),
            (HttpMethod.Post, "/api/share-links", new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(1) }),
            (HttpMethod.Get, $"/api/share-links/{link}", null),
            (HttpMethod.Delete, $"/api/share-links/{link}", null),
        };
        foreach (var (method, path, body) in attempts)
        {
            using var response = await SendAsync(method, path, stranger.Token, body, ifMatch: null);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}");
        }
        using (var upload = await _content.UploadMultipartAsync(stranger.Token, DocumentsClient.Pdf(), path: $"/api/documents/{id}/versions"))
        {
            Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        }

        // Lists show the stranger only their own.
        foreach (var path in new[] { "/api/documents", $"/api/shares?documentId={id}", $"/api/share-links?documentId={id}", "/api/documents/deleted", "/api/shares/received/documents" })
        {
            using var list = await _content.GetAsync(path, stranger.Token);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.DoesNotContain(id.ToString(), await list.Content.ReadAsStringAsync(Ct));
            Assert.DoesNotContain(deleted.ToString(), await list.Content.ReadAsStringAsync(Ct));
        }
        using (var own = await _content.GetAsync("/api/documents", stranger.Token))
        {
            Assert.Equal(strangersOwn.GetProperty("id").GetGuid(), Assert.Single((await ServiceCaller.JsonAsync(own)).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        }

        // Nothing changed for the owner.
        using var after = await _content.GetAsync($"/api/documents/{id}", owner.Token);
        var now = await ServiceCaller.JsonAsync(after);
        Assert.Equal(etag, now.GetProperty("etag").GetString());
        Assert.Equal(1, now.GetProperty("currentVersion").GetInt32());
        using var shares = await _content.GetAsync($"/api/shares?documentId={id}", owner.Token);
        Assert.True(Assert.Single((await ServiceCaller.JsonAsync(shares)).GetProperty("items").EnumerateArray()).GetProperty("active").GetBoolean());
        using var links = await _content.GetAsync($"/api/share-links/{link}", owner.Token);
        Assert.True((await ServiceCaller.JsonAsync(links)).GetProperty("link").GetProperty("active").GetBoolean());
        using var stillDeleted = await _content.GetAsync("/api/documents/deleted", owner.Token);
        Assert.Contains(deleted.ToString(), await stillDeleted.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Writing_needs_documents_write_sharing_needs_documents_share_and_reading_needs_documents_read()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var id = (await _content.CreateAsync(admin)).GetProperty("id").GetGuid();
        var receptionist = await _content.Caller.MemberAsync(admin, await _content.Caller.CustomRoleAsync(admin, "documents:read"));
        var nurse = await _content.Caller.MemberAsync(admin, await _content.Caller.CustomRoleAsync(admin, "documents:read", "documents:write"));
        var clerk = await _content.Caller.MemberAsync(admin, await _content.Caller.CustomRoleAsync(admin, "users:read"));

        using (var upload = await _content.UploadMultipartAsync(receptionist.Token, DocumentsClient.Pdf()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        }
        using (var upload = await _content.UploadMultipartAsync(nurse.Token, DocumentsClient.Pdf()))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }
        using (var share = await SendAsync(HttpMethod.Post, "/api/shares", nurse.Token, new { documentId = id, recipientRole = "Nurse" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, share.StatusCode);
        }
        using (var link = await SendAsync(HttpMethod.Post, "/api/share-links", nurse.Token, new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(1) }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, link.StatusCode);
        }
        using (var read = await _content.GetAsync($"/api/documents/{id}/content", receptionist.Token))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        using (var read = await _content.GetAsync($"/api/documents/{id}/content", clerk.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        }
        using var anonymous = await _content.GetAsync($"/api/documents/{id}/content", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<Guid> CreatedIdAsync(string token, string path, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, path, token, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await ServiceCaller.JsonAsync(response);
        return (json.TryGetProperty("link", out var link) ? link : json).GetProperty("id").GetGuid();
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
