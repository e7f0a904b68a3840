using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>An administrator invites a colleague in the app; the colleague opens the e-mail's link, creates an account and signs in.</summary>
public sealed class InvitationTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task An_administrator_invites_a_colleague_who_accepts_from_the_e_mail_and_signs_in_with_the_invited_role()
    {
        using var identity = new IdentityClient(stack);
        using var mailbox = new AccountEmailMailbox(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var colleague = IdentityClient.NewEmail();
        const string ColleaguePassword = "the nurse's own passphrase";

        await using (var adminWeb = await WebSession.StartAsync(stack, browser))
        {
            var page = adminWeb.Page;
            await adminWeb.SignInAsync(admin.Email, admin.Password);
            await adminWeb.NavigateAsync("Invitations", "Invitations");
            await page.GetByLabel("E-mail address").FillAsync(colleague);
            await page.GetByRole(AriaRole.Group, new() { Name = "Roles" }).GetByLabel("Nurse").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
            await Expect(page.GetByText($"Invitation sent to {colleague}.")).ToBeVisibleAsync();
            await Expect(page.GetByText(colleague, new() { Exact = true })).ToBeVisibleAsync();
            await adminWeb.AssertAccessibleAsync();
            adminWeb.AssertNoPageErrors();
        }

        var organizationName = (await identity.QueuedInvitationAsync(colleague)).GetProperty("organizationName").GetString();
        var invitation = await mailbox.WaitForAsync(colleague, $"Gregory House invites you to {organizationName} on MedicalHub");

        await using var colleagueWeb = await WebSession.StartAsync(stack, browser);
        var colleaguePage = colleagueWeb.Page;
        await colleagueWeb.OpenEmailLinkAsync(invitation.Link);
        await Expect(colleaguePage.GetByRole(AriaRole.Heading, new() { Name = "Join a practice" })).ToBeVisibleAsync();
        await colleagueWeb.AssertAccessibleAsync();
        await colleaguePage.GetByLabel("First name").FillAsync("Brenda");
        await colleaguePage.GetByLabel("Last name").FillAsync("Previn");
        await colleaguePage.GetByLabel("Password").FillAsync(ColleaguePassword);
        await colleaguePage.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();
        await Expect(colleaguePage.GetByText("Your account is created and you have joined the practice.")).ToBeVisibleAsync();

        // The link works once.
        await colleagueWeb.OpenEmailLinkAsync(invitation.Link);
        await colleaguePage.GetByLabel("First name").FillAsync("Brenda");
        await colleaguePage.GetByLabel("Last name").FillAsync("Previn");
        await colleaguePage.GetByLabel("Password").FillAsync(ColleaguePassword);
        await colleaguePage.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();
        await Expect(colleaguePage.GetByText("This invitation has expired, was revoked or was already used.")).ToBeVisibleAsync();

        await colleagueWeb.SignInAsync(colleague, ColleaguePassword);
        await Expect(colleaguePage.GetByText("Your roles: Nurse")).ToBeVisibleAsync();
        // A nurse manages nobody: the administration's management pages are not offered.
        await Expect(colleaguePage.GetByRole(AriaRole.Link, new() { Name = "Invitations" })).ToHaveCountAsync(0);
        colleagueWeb.AssertNoPageErrors();
    }
}
