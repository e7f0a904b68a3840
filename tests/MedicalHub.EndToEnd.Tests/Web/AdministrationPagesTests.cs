using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>The organization's administration in the app: members, roles and permissions, the MFA policy, the security audit.</summary>
public sealed class AdministrationPagesTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task An_administrator_creates_a_role_gives_it_to_a_member_requires_mfa_for_it_and_reads_the_audit()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var member = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(member.UserId, admin.OrganizationId, IdentityClient.ReceptionistRole);
        var roleName = "Billing " + Guid.NewGuid().ToString("N")[..6];

        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(admin.Email, admin.Password);

        await web.NavigateAsync("Organization", "Organization");
        await web.AssertAccessibleAsync();

        await web.NavigateAsync("Roles and permissions", "Roles and permissions");
        await page.GetByLabel("Role name").FillAsync(roleName);
        await page.GetByLabel("documents:read").First.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the role" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = roleName })).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        await web.NavigateAsync("Members", "Members");
        await page.GetByLabel("Search by name or e-mail").FillAsync(member.Email);
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Roles.*Gregory House$") }).ClickAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Roles of Gregory House" }).GetByLabel(roleName).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByText($"Receptionist, {roleName}").Or(page.GetByText($"{roleName}, Receptionist"))).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        await web.NavigateAsync("Security policy", "Security policy");
        await page.GetByRole(AriaRole.Group, new() { Name = "Roles that require two-factor authentication" }).GetByLabel(roleName).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        await web.NavigateAsync("Security audit", "Security audit");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "organization.policy-changed" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "member.roles-changed" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the chain" }).ClickAsync();
        await Expect(page.GetByText("The chain is intact")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        // What the pages did is what Identity holds.
        var token = await identity.AccessTokenAsync(admin);
        using var policy = await identity.SendAsync(HttpMethod.Get, "/api/organizations/current/policy", token);
        Assert.Single((await IdentityClient.JsonAsync(policy)).GetProperty("mfaRequiredRoleIds").EnumerateArray());
        web.AssertNoPageErrors();
    }

    [Fact]
    public async Task A_receptionist_is_offered_no_administration_and_a_direct_link_answers_with_a_clear_refusal()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var receptionist = IdentityClient.NewEmail();
        const string Password = "reception desk passphrase";
        var invitationToken = await identity.InviteAsync(await identity.AccessTokenAsync(admin), receptionist, IdentityClient.ReceptionistRole);
        using (var accepted = await identity.AcceptInvitationAsync(new { token = invitationToken, password = Password, givenName = "Jeffrey", familyName = "Cole" }))
        {
            Assert.True(accepted.IsSuccessStatusCode);
        }

        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(receptionist, Password);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeVisibleAsync(); // users:read
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Security audit" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Invitations" })).ToHaveCountAsync(0);

        // Typed by hand: Identity answers 403, the page says why.
        await page.GotoAsync("/admin/audit");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You do not have permission to do this.");
        await web.AssertAccessibleAsync();
        web.AssertNoPageErrors();
    }
}
