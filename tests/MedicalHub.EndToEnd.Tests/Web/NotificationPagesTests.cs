using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>Communication's pages: a user's notification preferences, and the organization's message templates.</summary>
public sealed class NotificationPagesTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task A_user_sets_quiet_hours_and_leaves_a_category_by_sms_and_communication_keeps_it()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(user.Email, user.Password);

        await web.NavigateAsync("Notifications", "Notifications");
        await page.GetByLabel("From").FillAsync("21:00");
        await page.GetByLabel("Until").FillAsync("07:30");
        await page.GetByLabel("Time zone").FillAsync("Europe/Paris");
        await page.GetByLabel("Add a category").FillAsync("appointment-reminder");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await page.GetByLabel("Receive appointment-reminder by SMS").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        await page.ReloadAsync();
        await Expect(page.GetByLabel("From")).ToHaveValueAsync("21:00");
        await Expect(page.GetByLabel("Receive appointment-reminder by SMS")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("Receive appointment-reminder by E-mail")).ToBeCheckedAsync();
        web.AssertNoPageErrors();
    }

    [Fact]
    public async Task An_administrator_previews_a_broken_template_sees_the_liquid_error_then_saves_a_variant()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(admin.Email, admin.Password);

        await web.NavigateAsync("Message templates", "Message templates");
        await page.GetByRole(AriaRole.List, new() { Name = "Templates" }).GetByRole(AriaRole.Button).Filter(new() { HasText = "email.invitation" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "email.invitation" })).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        var text = page.GetByLabel("Text", new() { Exact = true });
        await text.FillAsync("Hello {{ email | }}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the practice's variant" }).ClickAsync();
        await Expect(page.Locator("[aria-invalid=true]")).ToHaveCountAsync(1);

        await text.FillAsync("Join {{ organizationName }} on MedicalHub: {{ link }}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Preview" })).ToContainTextAsync("on MedicalHub");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the practice's variant" }).ClickAsync();
        await Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Templates" }).GetByText("your practice's")).ToHaveCountAsync(1);
        web.AssertNoPageErrors();
    }
}
