using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>Share links opened without an account through the gateway: expiry, one use, access codes, revocation at once, every use recorded.</summary>
public sealed class ShareLinkTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);
    private readonly DocumentsClient _public = new(stack, "gateway");

    public void Dispose()
    {
        _content.Dispose();
        _public.Dispose();
    }

    [Fact]
    public async Task A_link_with_an_access_code_opens_the_document_to_anyone_with_both_and_every_use_is_recorded()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var file = DocumentsClient.Pdf("for the specialist");
        var id = (await _content.CreateAsync(owner, file, "scan.pdf")).GetProperty("id").GetGuid();
        var (link, token) = await CreateLinkAsync(owner, new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(2), accessCode = "4711-xy" });
        Assert.True(token.Length >= 43);

        using (var noCode = await OpenAsync("/document", token, code: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noCode.StatusCode);
        }
        using (var wrong = await OpenAsync("/document", token, "0000"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }
        using (var described = await OpenAsync("/document", token, "4711-xy"))
        {
            Assert.Equal(HttpStatusCode.OK, described.StatusCode);
            Assert.Equal("scan.pdf", (await ServiceCaller.JsonAsync(described)).GetProperty("fileName").GetString());
        }
        using (var download = await OpenAsync("/document/content", token, "4711-xy"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(file, await download.Content.ReadAsByteArrayAsync(Ct));
        }
        using (var unknown = await OpenAsync("/document", token[..^2] + "AA", "4711-xy"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using var details = await _content.GetAsync($"/api/share-links/{link}", owner.Token);
        var uses = (await ServiceCaller.JsonAsync(details)).GetProperty("uses").EnumerateArray().Select(u => u.GetProperty("outcome").GetString()).ToList();
        Assert.Equal(["wrong-code", "viewed", "downloaded"], uses);
    }

    [Fact]
    public async Task A_one_time_link_opens_once_a_revoked_link_at_once_never_and_wrong_codes_lock_a_link()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var id = (await _content.CreateAsync(owner)).GetProperty("id").GetGuid();

        var (_, once) = await CreateLinkAsync(owner, new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(1), oneTime = true });
        using (var first = await OpenAsync("/document/content", once))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using (var second = await OpenAsync("/document/content", once))
        {
            Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
            Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        }

        var (revocable, token) = await CreateLinkAsync(owner, new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        using (var open = await OpenAsync("/document", token))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }
        using (var revoke = await SendAsync(HttpMethod.Delete, $"/api/share-links/{revocable}", owner.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using (var revoked = await OpenAsync("/document/content", token))
        {
            Assert.Equal(HttpStatusCode.Gone, revoked.StatusCode);
        }

        var (locked, guarded) = await CreateLinkAsync(owner, new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddDays(1), accessCode = "right-code" });
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await OpenAsync("/document", guarded, $"wrong-{i}");
            Assert.Equal(i < 4 ? HttpStatusCode.Forbidden : HttpStatusCode.Gone, wrong.StatusCode);
        }
        using (var tooLate = await OpenAsync("/document", guarded, "right-code"))
        {
            Assert.Equal(HttpStatusCode.Gone, tooLate.StatusCode);
        }
        using var details = await _content.GetAsync($"/api/share-links/{locked}", owner.Token);
        Assert.False((await ServiceCaller.JsonAsync(details)).GetProperty("link").GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task An_expired_link_is_gone_and_links_are_refused_for_too_long_or_past_expiries()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var id = (await _content.CreateAsync(owner)).GetProperty("id").GetGuid();
        var (_, token) = await CreateLinkAsync(owner, new { documentId = id, expiresAt = DateTimeOffset.UtcNow.AddSeconds(2) });
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        using (var expired = await OpenAsync("/document", token))
        {
            Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        }
        foreach (var expiresAt in new DateTimeOffset?[] { null, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(31) })
        {
            using var refused = await SendAsync(HttpMethod.Post, "/api/share-links", owner.Token, new { documentId = id, expiresAt });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using var noToken = await _public.GetAsync("/api/public/share-links/document", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }

    private async Task<(Guid Id, string Token)> CreateLinkAsync(ServiceCaller.User owner, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/share-links", owner.Token, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await ServiceCaller.JsonAsync(response);
        return (json.GetProperty("link").GetProperty("id").GetGuid(), json.GetProperty("token").GetString()!);
    }

    private Task<HttpResponseMessage> OpenAsync(string path, string token, string? code = null) =>
        _public.GetAsync($"/api/public/share-links{path}", token: null, headers =>
        {
            headers.Add("X-Share-Token", token);
            if (code is not null)
            {
                headers.Add("X-Access-Code", code);
            }
        });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _content.Http.SendAsync(request, Ct);
    }
}
