using System.Net;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>Workflow's care pathways API: drafts created, listed and read within the caller's organization only.</summary>
public sealed class CarePathwayTests(StackFixture stack) : IDisposable
{
    private const string Pathways = "/api/care-pathways";

    private readonly ServiceCaller _workflow = new(stack, "workflow");

    public void Dispose() => _workflow.Dispose();

    private async Task<Guid> CreateAsync(ServiceCaller.User user, string name)
    {
        using var created = await _workflow.SendAsync(HttpMethod.Post, Pathways, user.Token, new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pathway = await ServiceCaller.JsonAsync(created);
        var id = pathway.GetProperty("id").GetGuid();
        Assert.Equal($"{Pathways}/{id}", created.Headers.Location?.OriginalString);
        return id;
    }

    [Fact]
    public async Task A_draft_is_created_then_read_and_listed_newest_first_in_pages()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var first = await CreateAsync(admin, "  Type 2 diabetes follow-up  ");
        var second = await CreateAsync(admin, "Post-operative knee rehabilitation");

        using (var get = await _workflow.SendAsync(HttpMethod.Get, $"{Pathways}/{first}", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var pathway = await ServiceCaller.JsonAsync(get);
            Assert.Equal("Type 2 diabetes follow-up", pathway.GetProperty("name").GetString());
            Assert.Equal("draft", pathway.GetProperty("status").GetString());
        }

        using var page = await _workflow.SendAsync(HttpMethod.Get, $"{Pathways}?page=1&pageSize=1", admin.Token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var list = await ServiceCaller.JsonAsync(page);
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        Assert.Equal(second, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        using var next = await _workflow.SendAsync(HttpMethod.Get, $"{Pathways}?page=2&pageSize=1", admin.Token);
        Assert.Equal(first, Assert.Single((await ServiceCaller.JsonAsync(next)).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"name":"   "}""")]
    [InlineData("""{"name":"a\u0000b"}""")]
    [InlineData("long")]
    public async Task A_pathway_without_a_proper_name_is_a_validation_problem(string body)
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var json = body == "long" ? $$"""{"name":"{{new string('x', 201)}}"}""" : body;

        using var request = new HttpRequestMessage(HttpMethod.Post, Pathways) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", admin.Token);
        using var response = await _workflow.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await ServiceCaller.JsonAsync(response)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=201")]
    [InlineData("page=2147483647&pageSize=200")]
    public async Task Bad_paging_is_a_validation_problem(string query)
    {
        var admin = await _workflow.NewOrganizationAdminAsync();

        using var response = await _workflow.SendAsync(HttpMethod.Get, $"{Pathways}?{query}", admin.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Another_organization_s_pathways_are_not_listed_and_not_found()
    {
        var owner = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        var id = await CreateAsync(owner, "Owner's private pathway");

        using (var get = await _workflow.SendAsync(HttpMethod.Get, $"{Pathways}/{id}", stranger.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
        using (var list = await _workflow.SendAsync(HttpMethod.Get, Pathways, stranger.Token))
        {
            Assert.Equal(0, (await ServiceCaller.JsonAsync(list)).GetProperty("total").GetInt32());
        }
        // The stranger's own pathway lands in the stranger's organization, not the owner's.
        await CreateAsync(stranger, "Stranger's pathway");
        using (var ownersList = await _workflow.SendAsync(HttpMethod.Get, Pathways, owner.Token))
        {
            var items = (await ServiceCaller.JsonAsync(ownersList)).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal([id], items.Select(p => p.GetProperty("id").GetGuid()));
        }
    }

    [Fact]
    public async Task Reading_needs_workflows_read_and_creating_needs_workflows_manage()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var id = await CreateAsync(admin, "Asthma review");
        var nurse = await _workflow.MemberAsync(admin, IdentityClient.NurseRole);           // workflows:read only
        var receptionist = await _workflow.MemberAsync(admin, IdentityClient.ReceptionistRole); // no workflow permission

        using (var read = await _workflow.SendAsync(HttpMethod.Get, $"{Pathways}/{id}", nurse.Token))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        using (var create = await _workflow.SendAsync(HttpMethod.Post, Pathways, nurse.Token, new { name = "Not allowed" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }
        foreach (var path in new[] { Pathways, $"{Pathways}/{id}" })
        {
            using var refused = await _workflow.SendAsync(HttpMethod.Get, path, receptionist.Token);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var anonymous = await _workflow.SendAsync(HttpMethod.Get, Pathways, token: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }

    [Fact]
    public async Task A_service_token_holding_workflows_manage_but_no_organization_cannot_create_a_pathway()
    {
        // Content's client may call Workflow with workflows:manage, but acts for no organization.
        var service = await _workflow.ServiceTokenAsync("content", "workflow");

        using var create = await _workflow.SendAsync(HttpMethod.Post, Pathways, service, new { name = "Nowhere to go" });

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
    }
}
