using System.Net;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>Versioned definitions: validation that names the failing step, publication, running instances keeping their version, explicit migration.</summary>
public sealed class DefinitionTests(StackFixture stack) : IDisposable
{
    private readonly WorkflowClient _workflow = new(stack);

    public void Dispose() => _workflow.Dispose();

    private static readonly string[] EducatorPermissions = ["tasks:read", "tasks:write"];

    public const string TwoTasks = """
    { "start": "first", "steps": [
        { "id": "first", "type": "task", "task": { "title": "First", "role": "Nurse" }, "next": [ { "to": "second" } ] },
        { "id": "second", "type": "task", "task": { "title": "Second", "role": "Nurse" } } ] }
    """;

    [Fact]
    public async Task A_definition_with_a_cycle_without_a_wait_is_a_400_naming_the_step()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        using var response = await _workflow.SendJsonAsync(HttpMethod.Post, "/api/care-pathways", admin.Token, """
            { "name": "Spinning", "definition": { "start": "a", "steps": [
                { "id": "a", "type": "decision", "next": [ { "to": "b" } ] },
                { "id": "b", "type": "decision", "next": [ { "to": "end", "when": { "fact": "vars.done", "op": "eq", "value": true } }, { "to": "a" } ] },
                { "id": "end", "type": "end" } ] } }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await WorkflowClient.JsonAsync(response)).GetProperty("errors");
        Assert.Contains("a -> b -> a", errors.GetProperty("steps.a")[0].GetString(), StringComparison.Ordinal);
        using var list = await _workflow.SendAsync(HttpMethod.Get, "/api/care-pathways", admin.Token);
        Assert.Equal(0, (await WorkflowClient.JsonAsync(list)).GetProperty("total").GetInt32()); // nothing was saved
    }

    [Theory]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "task", "task": { "title": "Mop", "role": "Janitor" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "end" }, { "id": "lost", "type": "end" } ] }""", "steps.lost")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "timer", "timer": { "after": "soon" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "end" } ], "extra": 1 }""", "definition")]
    [InlineData("""[1, 2]""", "definition")]
    public async Task The_validation_endpoint_names_what_fails(string definition, string key)
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        using var response = await _workflow.SendJsonAsync(HttpMethod.Post, "/api/care-pathways/validate", admin.Token, $$"""{ "definition": {{definition}} }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await WorkflowClient.JsonAsync(response)).GetProperty("errors").TryGetProperty(key, out _));
    }

    [Fact]
    public async Task A_custom_role_of_the_organization_is_known_and_another_organization_s_is_not()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        using (var role = await _workflow.Caller.Identity.SendAsync(HttpMethod.Post, "/api/organizations/current/roles", admin.Token,
            new { name = "Diabetes educator", permissions = EducatorPermissions }))
        {
            Assert.Equal(HttpStatusCode.Created, role.StatusCode);
        }
        var definition = """{ "definition": { "start": "a", "steps": [ { "id": "a", "type": "task", "task": { "title": "Teach", "role": "Diabetes educator" } } ] } }""";

        using (var ours = await _workflow.SendJsonAsync(HttpMethod.Post, "/api/care-pathways/validate", admin.Token, definition))
        {
            Assert.Equal(HttpStatusCode.OK, ours.StatusCode);
        }
        using var theirs = await _workflow.SendJsonAsync(HttpMethod.Post, "/api/care-pathways/validate", stranger.Token, definition);
        Assert.Equal(HttpStatusCode.BadRequest, theirs.StatusCode);
        Assert.Contains("Diabetes educator", (await WorkflowClient.JsonAsync(theirs)).GetProperty("errors").GetProperty("steps.a")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_instance_keeps_its_version_until_it_is_migrated_explicitly()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var patient = await _workflow.KnownPatientAsync(admin);
        var pathway = await _workflow.PublishedPathwayAsync(admin, TwoTasks);
        var onVersion1 = await _workflow.StartAsync(admin, pathway, patient);

        // Version 2 renames the first step and drops the second.
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/care-pathways/{pathway}/versions", admin.Token, new
        {
            definition = WorkflowClient.Node("""{ "start": "intake", "steps": [ { "id": "intake", "type": "task", "task": { "title": "Intake", "role": "Nurse" } } ] }"""),
        });
        using (var rewrite = await _workflow.SendJsonAsync(HttpMethod.Put, $"/api/care-pathways/{pathway}/versions/1", admin.Token, $$"""{ "definition": {{TwoTasks}} }"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, rewrite.StatusCode); // a published version never changes
        }
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/care-pathways/{pathway}/versions/2/publish", admin.Token);
        var onVersion2 = await _workflow.StartAsync(admin, pathway, patient);

        Assert.Equal(1, (await _workflow.InstanceAsync(admin, onVersion1)).GetProperty("versionNumber").GetInt32());
        Assert.Equal("intake", (await _workflow.InstanceAsync(admin, onVersion2)).GetProperty("instance").GetProperty("currentStepId").GetString());

        // Without a mapping, the open step 'first' has no counterpart: refused and left alone.
        var refused = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/pathway-instances/migrate", admin.Token, new { pathwayId = pathway, fromVersion = 1, toVersion = 2 });
        Assert.Equal(onVersion1, Assert.Single(refused.GetProperty("refused").EnumerateArray()).GetProperty("instanceId").GetGuid());
        Assert.Equal(1, (await _workflow.InstanceAsync(admin, onVersion1)).GetProperty("versionNumber").GetInt32());

        var migrated = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/pathway-instances/migrate", admin.Token,
            new { pathwayId = pathway, fromVersion = 1, toVersion = 2, stepMapping = new Dictionary<string, string> { ["first"] = "intake" } });
        Assert.Equal(onVersion1, Assert.Single(migrated.GetProperty("migrated").EnumerateArray()).GetGuid());
        var detail = await _workflow.InstanceAsync(admin, onVersion1);
        Assert.Equal(2, detail.GetProperty("versionNumber").GetInt32());
        Assert.Equal("intake", detail.GetProperty("instance").GetProperty("currentStepId").GetString());

        // Completing its task now ends it by version 2's rules (no second step).
        var task = WorkflowClient.OpenTask(detail).GetProperty("id").GetGuid();
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", admin.Token, new { outcome = "done" });
        await _workflow.WaitForAsync(admin, onVersion1, WorkflowClient.StatusIs("completed"), 10);
        using var history = await _workflow.SendAsync(HttpMethod.Get, $"/api/pathway-instances/{onVersion1}/history", admin.Token);
        Assert.Contains((await WorkflowClient.JsonAsync(history)).EnumerateArray(), h => h.GetProperty("action").GetString() == "migrated");
    }

    [Fact]
    public async Task The_editor_gets_a_JSON_schema_and_the_referral_template_which_validates()
    {
        var nurse = await _workflow.MemberAsync(await _workflow.NewOrganizationAdminAsync(), IdentityClient.NurseRole);
        using var schema = await _workflow.SendAsync(HttpMethod.Get, "/api/care-pathways/editor-schema", nurse.Token);
        Assert.Equal("application/schema+json", schema.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Care pathway definition", (await WorkflowClient.JsonAsync(schema)).GetProperty("title").GetString());

        var template = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/care-pathways/templates/referral", nurse.Token);
        var validated = await _workflow.OkJsonAsync(HttpMethod.Post, "/api/care-pathways/validate", nurse.Token, new { definition = template });
        Assert.True(validated.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Another_organization_s_pathway_versions_are_not_found_and_cannot_be_published_or_started()
    {
        var owner = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(owner, TwoTasks);
        var strangersPatient = await _workflow.KnownPatientAsync(stranger);

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/care-pathways/{pathway}"), (HttpMethod.Get, $"/api/care-pathways/{pathway}/versions"),
            (HttpMethod.Get, $"/api/care-pathways/{pathway}/versions/1"), (HttpMethod.Post, $"/api/care-pathways/{pathway}/versions/1/publish"),
            (HttpMethod.Post, $"/api/care-pathways/{pathway}/retire"), (HttpMethod.Get, $"/api/care-pathways/{pathway}/analytics"),
        })
        {
            using var response = await _workflow.SendAsync(method, path, stranger.Token);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }
        using (var draft = await _workflow.SendJsonAsync(HttpMethod.Post, $"/api/care-pathways/{pathway}/versions", stranger.Token, $$"""{ "definition": {{TwoTasks}} }"""))
        {
            Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        }
        using var start = await _workflow.SendAsync(HttpMethod.Post, "/api/pathway-instances", stranger.Token, new { pathwayId = pathway, patientId = strangersPatient });
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
    }
}
