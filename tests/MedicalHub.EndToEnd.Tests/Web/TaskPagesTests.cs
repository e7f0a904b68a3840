using System.Net;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using MedicalHub.EndToEnd.Tests.Workflow;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>Workflow's work lists in the web app: my roles' tasks, overdue ones, claiming, completing, and a task a colleague took first.</summary>
public sealed class TaskPagesTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task A_user_claims_a_task_of_their_role_completes_it_with_a_note_and_is_told_when_a_colleague_claimed_one_first()
    {
        using var workflow = new WorkflowClient(stack);
        using var identity = new IdentityClient(stack);
        var admin = await workflow.NewOrganizationAdminAsync();
        var colleague = await PracticeMembers.InviteAsync(identity, admin.Token, admin.OrganizationId, IdentityClient.OrgAdminRole);
        var callBack = await CreateAsync(workflow, admin, new { title = "Call back about the HbA1c", role = "OrgAdmin", priority = "urgent" });
        await CreateAsync(workflow, admin, new { title = "Renew the prescription", role = "OrgAdmin", dueAt = DateTimeOffset.UtcNow.AddDays(-1) });
        var taken = await CreateAsync(workflow, admin, new { title = "Book the echocardiogram", role = "OrgAdmin" });

        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(admin.Account.Email, admin.Account.Password);
        await web.NavigateAsync("Tasks", "Tasks");
        await Expect(page.GetByText("No tasks here.")).ToBeVisibleAsync();

        var lists = page.GetByRole(AriaRole.Navigation, new() { Name = "Work lists" });
        var tasks = page.GetByRole(AriaRole.List, new() { Name = "Tasks" });
        await lists.GetByRole(AriaRole.Link, new() { Name = "My roles' tasks" }).ClickAsync();
        await Expect(tasks.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        // Most urgent first.
        await Expect(tasks.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("Call back about the HbA1c");
        await Expect(tasks.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("Urgent");
        await web.AssertAccessibleAsync();

        await lists.GetByRole(AriaRole.Link, new() { Name = "Overdue" }).ClickAsync();
        await Expect(tasks.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(tasks).ToContainTextAsync("Renew the prescription");

        await lists.GetByRole(AriaRole.Link, new() { Name = "My roles' tasks" }).ClickAsync();
        await tasks.GetByRole(AriaRole.Button, new() { Name = "Claim: Call back about the HbA1c" }).ClickAsync();
        await Expect(tasks.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Call back about the HbA1c" })).ToContainTextAsync("claimed by me");

        // A colleague of the same role takes another one first: claiming it from this (stale) list says so.
        using (var claimed = await workflow.SendAsync(HttpMethod.Post, $"/api/tasks/{taken}/claim", await identity.AccessTokenAsync(colleague)))
        {
            Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        }
        await tasks.GetByRole(AriaRole.Button, new() { Name = "Claim: Book the echocardiogram" }).ClickAsync();
        await Expect(tasks.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Expect(tasks.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Book the echocardiogram" })).ToContainTextAsync("claimed by a colleague");

        await lists.GetByRole(AriaRole.Link, new() { Name = "My tasks" }).ClickAsync();
        await Expect(tasks.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        var complete = page.GetByRole(AriaRole.Form, new() { Name = "Complete: Call back about the HbA1c" });
        await complete.GetByLabel("Note").FillAsync("Called; appointment booked for Monday.");
        await complete.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await Expect(page.GetByText("No tasks here.")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        var done = await workflow.OkJsonAsync(HttpMethod.Get, $"/api/tasks/{callBack}", admin.Token);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Called; appointment booked for Monday.", done.GetProperty("note").GetString());
        Assert.Equal(admin.Account.UserId, done.GetProperty("completedBy").GetGuid());
        web.AssertNoPageErrors();
    }

    private static async Task<Guid> CreateAsync(WorkflowClient workflow, ServiceCaller.User admin, object task)
    {
        using var created = await workflow.SendAsync(HttpMethod.Post, "/api/tasks", admin.Token, task);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await WorkflowClient.JsonAsync(created)).GetProperty("id").GetGuid();
    }
}
