using System.Net;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// Content's documents list and metadata: each organization sees only its own through the API.
/// </summary>
public sealed class DocumentTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Documents = "/api/documents";

    private readonly ServiceCaller _content = new(stack, "content");

    public void Dispose() => _content.Dispose();

    /// <summary>Uploads a document (a small PDF) for <paramref name="owner"/>.</summary>
    private async Task<Guid> InsertAsync(ServiceCaller.User owner, string title)
    {
        using var documents = new DocumentsClient(stack);
        using var created = await documents.UploadMultipartAsync(owner.Token, DocumentsClient.Pdf(), title: title);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await ServiceCaller.JsonAsync(created)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task The_organization_s_documents_are_listed_newest_first_in_pages_and_each_can_be_read()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var older = await InsertAsync(admin, "Referral letter");
        var newer = await InsertAsync(admin, "Blood test results");

        using (var page = await _content.SendAsync(HttpMethod.Get, $"{Documents}?pageSize=1", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var list = await ServiceCaller.JsonAsync(page);
            Assert.Equal(2, list.GetProperty("total").GetInt32());
            Assert.Equal(newer, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        }
        using (var next = await _content.SendAsync(HttpMethod.Get, $"{Documents}?page=2&pageSize=1", admin.Token))
        {
            Assert.Equal(older, Assert.Single((await ServiceCaller.JsonAsync(next)).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        }
        using var get = await _content.SendAsync(HttpMethod.Get, $"{Documents}/{older}", admin.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var document = await ServiceCaller.JsonAsync(get);
        Assert.Equal("Referral letter", document.GetProperty("title").GetString());
        Assert.Equal("application/pdf", document.GetProperty("mediaType").GetString());
        Assert.Equal(admin.Account.UserId, document.GetProperty("createdBy").GetGuid());
    }

    [Fact]
    public async Task Another_organization_s_documents_are_not_listed_and_not_found()
    {
        var owner = await _content.NewOrganizationAdminAsync();
        var stranger = await _content.NewOrganizationAdminAsync();
        var id = await InsertAsync(owner, "Owner's private record");
        var strangers = await InsertAsync(stranger, "Stranger's own record");

        using (var get = await _content.SendAsync(HttpMethod.Get, $"{Documents}/{id}", stranger.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
        using (var list = await _content.SendAsync(HttpMethod.Get, Documents, stranger.Token))
        {
            var items = (await ServiceCaller.JsonAsync(list)).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid());
            Assert.Equal([strangers], items);
        }
        using (var own = await _content.SendAsync(HttpMethod.Get, $"{Documents}/{id}", owner.Token))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
    }

    [Fact]
    public async Task A_service_token_with_documents_read_but_no_organization_sees_no_document()
    {
        var owner = await _content.NewOrganizationAdminAsync();
        var id = await InsertAsync(owner, "Discharge summary");
        // Communication's client holds documents:read for Content, but a service acts for no organization of its own.
        var service = await _content.ServiceTokenAsync("communication", "content");

        using (var get = await _content.SendAsync(HttpMethod.Get, $"{Documents}/{id}", service))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
        using (var list = await _content.SendAsync(HttpMethod.Get, Documents, service))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal(0, (await ServiceCaller.JsonAsync(list)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Reading_needs_documents_read()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var id = await InsertAsync(admin, "Imaging report");
        var clerk = await _content.MemberAsync(admin, await _content.CustomRoleAsync(admin, "users:read"));
        var receptionist = await _content.MemberAsync(admin, IdentityClient.ReceptionistRole);

        foreach (var path in new[] { Documents, $"{Documents}/{id}" })
        {
            using var refused = await _content.SendAsync(HttpMethod.Get, path, clerk.Token);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var allowed = await _content.SendAsync(HttpMethod.Get, path, receptionist.Token);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            using var anonymous = await _content.SendAsync(HttpMethod.Get, path, token: null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=201")]
    [InlineData("page=2147483647&pageSize=200")]
    public async Task Bad_paging_is_a_validation_problem(string query)
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using var response = await _content.SendAsync(HttpMethod.Get, $"{Documents}?{query}", admin.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
