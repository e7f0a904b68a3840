using System.Net;
using MedicalHub.EndToEnd.Tests.Content;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>Sharing in the web app: a document shared with another organization's user, in their inbox, and revoked; an expiring link with an access code, opened without an account and revoked.</summary>
public sealed class SharingPagesTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task A_document_shared_with_another_practice_s_user_is_theirs_to_read_until_revoked()
    {
        using var documents = new DocumentsClient(stack);
        var owner = await documents.Caller.NewOrganizationAdminAsync();
        var colleague = await documents.Caller.NewOrganizationAdminAsync();
        var bytes = DocumentsClient.Pdf("shared");
        var id = (await documents.CreateAsync(owner, bytes, "letter.pdf")).GetProperty("id").GetGuid();

        await using (var ownerWeb = await WebSession.StartAsync(stack, browser))
        {
            var page = ownerWeb.Page;
            await ownerWeb.SignInAsync(owner.Account.Email, owner.Account.Password);
            await page.GotoAsync($"/documents/{id}");
            var share = page.GetByRole(AriaRole.Form, new() { Name = "Share the document" });
            await share.GetByLabel("Share with").SelectOptionAsync(new SelectOptionValue { Label = "A user of another organization" });
            await share.GetByLabel("User id").FillAsync(Guid.NewGuid().ToString());
            await share.GetByLabel("Their organization's id").FillAsync(colleague.OrganizationId.ToString());
            await share.GetByRole(AriaRole.Button, new() { Name = "Share the document" }).ClickAsync();
            // Content asks Identity: nobody by that id is a member there. Its answer is shown, and nothing is shared.
            await Expect(share.GetByRole(AriaRole.Alert).Or(share.Locator("[aria-invalid=true]"))).Not.ToHaveCountAsync(0);
            await Expect(page.GetByText("Not shared with anyone.")).ToBeVisibleAsync();

            await share.GetByLabel("User id").FillAsync(colleague.Account.UserId.ToString());
            await share.GetByRole(AriaRole.Button, new() { Name = "Share the document" }).ClickAsync();
            await Expect(share.GetByText("The document is shared.")).ToBeVisibleAsync();
            var shares = page.GetByRole(AriaRole.List, new() { Name = "Shares" });
            await Expect(shares.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
            await Expect(shares).ToContainTextAsync($"User {colleague.Account.UserId} of organization {colleague.OrganizationId}");
            await Expect(shares).ToContainTextAsync("active until revoked");
            await ownerWeb.AssertAccessibleAsync();
            ownerWeb.AssertNoPageErrors();
        }

        await using var colleagueWeb = await WebSession.StartAsync(stack, browser);
        var colleaguePage = colleagueWeb.Page;
        await colleagueWeb.SignInAsync(colleague.Account.Email, colleague.Account.Password);
        await colleagueWeb.NavigateAsync("Shared with me", "Shared with me");
        var received = colleaguePage.GetByRole(AriaRole.List, new() { Name = "Documents shared with me" });
        await Expect(received.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await received.GetByRole(AriaRole.Link, new() { Name = "Referral letter" }).ClickAsync();
        await Expect(colleaguePage.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Referral letter");
        // Read-only through a share, whatever the reader's rights in their own practice.
        await Expect(colleaguePage.GetByRole(AriaRole.Form, new() { Name = "Upload a new version" })).ToHaveCountAsync(0);
        await Expect(colleaguePage.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await Expect(colleaguePage.GetByRole(AriaRole.Heading, new() { Name = "Sharing" })).ToHaveCountAsync(0);
        var download = await colleagueWeb.DownloadAsync(colleaguePage.GetByRole(AriaRole.Button, new() { Name = "Download: Referral letter" }));
        Assert.Equal("letter.pdf", download.FileName);
        Assert.Equal(bytes, download.Bytes);
        await colleagueWeb.AssertAccessibleAsync();

        await using (var ownerWeb = await WebSession.StartAsync(stack, browser))
        {
            var page = ownerWeb.Page;
            await ownerWeb.SignInAsync(owner.Account.Email, owner.Account.Password);
            await page.GotoAsync($"/documents/{id}");
            var shares = page.GetByRole(AriaRole.List, new() { Name = "Shares" });
            await shares.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await shares.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke" }).ClickAsync();
            await Expect(shares).ToContainTextAsync("revoked");
            await Expect(shares.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
        }

        // At once: the colleague's page can no longer read it.
        await colleaguePage.ReloadAsync();
        await Expect(colleaguePage.GetByRole(AriaRole.Alert)).ToContainTextAsync("This no longer exists");
        await colleagueWeb.NavigateAsync("Shared with me", "Shared with me");
        await Expect(colleaguePage.GetByText("Nothing is shared with you.")).ToBeVisibleAsync();

        // The share's notice stays in the colleague's inbox in the app (naming neither the document nor the patient).
        await colleagueWeb.NavigateAsync("Inbox", "Inbox");
        var inbox = colleaguePage.GetByRole(AriaRole.List, new() { Name = "Notifications" });
        await Expect(inbox.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1, new() { Timeout = 45_000 });
        await Expect(inbox).ToContainTextAsync("shared a document with you");
        await Expect(inbox).Not.ToContainTextAsync("Referral letter");
        await Expect(colleaguePage.GetByText("1 unread notification.")).ToBeVisibleAsync();
        await inbox.GetByRole(AriaRole.Button, new() { Name = "Mark as read:" }).ClickAsync();
        await Expect(colleaguePage.GetByText("0 unread notifications.")).ToBeVisibleAsync();
        await Expect(inbox.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await colleagueWeb.AssertAccessibleAsync();
        colleagueWeb.AssertNoPageErrors();
    }

    [Fact]
    public async Task A_link_with_an_access_code_opens_the_document_without_an_account_until_it_is_revoked()
    {
        using var documents = new DocumentsClient(stack);
        var owner = await documents.Caller.NewOrganizationAdminAsync();
        var bytes = DocumentsClient.Pdf("by link");
        var id = (await documents.CreateAsync(owner, bytes, "letter.pdf")).GetProperty("id").GetGuid();

        await using var ownerWeb = await WebSession.StartAsync(stack, browser);
        var page = ownerWeb.Page;
        await ownerWeb.SignInAsync(owner.Account.Email, owner.Account.Password);
        await page.GotoAsync($"/documents/{id}");
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Make a link" });
        await form.GetByLabel("Valid for (days)").FillAsync("3");
        await form.GetByLabel("Access code (optional)").FillAsync("4321");
        await form.GetByRole(AriaRole.Button, new() { Name = "Make a link" }).ClickAsync();
        await Expect(form.GetByText("The link is made.")).ToBeVisibleAsync();
        var address = await form.GetByLabel("Link").InputValueAsync();
        Assert.StartsWith($"{ownerWeb.AppUrl.ToString().TrimEnd('/')}/shared#", address);
        var links = page.GetByRole(AriaRole.List, new() { Name = "Links" });
        await Expect(links.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(links).ToContainTextAsync("with access code");
        await ownerWeb.AssertAccessibleAsync();

        await using var stranger = await WebSession.StartAsync(stack, browser);
        var strangerPage = stranger.Page;
        await strangerPage.GotoAsync(new Uri(address).PathAndQuery + new Uri(address).Fragment);
        await strangerPage.GetByRole(AriaRole.Textbox, new() { Name = "Access code" }).FillAsync("0000");
        await strangerPage.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(strangerPage.GetByText("The access code is wrong.")).ToBeVisibleAsync();
        await strangerPage.GetByRole(AriaRole.Textbox, new() { Name = "Access code" }).FillAsync("4321");
        await strangerPage.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(strangerPage.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Referral letter");
        await Expect(strangerPage.GetByText("letter.pdf")).ToBeVisibleAsync();
        await stranger.AssertAccessibleAsync();
        var download = await stranger.DownloadAsync(strangerPage.GetByRole(AriaRole.Button, new() { Name = "Download" }));
        Assert.Equal("letter.pdf", download.FileName);
        Assert.Equal(bytes, download.Bytes);

        await links.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await links.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke" }).ClickAsync();
        await Expect(links).ToContainTextAsync("revoked");

        await strangerPage.ReloadAsync();
        await Expect(strangerPage.GetByText("This link is no longer valid")).ToBeVisibleAsync();
        using (var content = await documents.GetAsync("/api/share-links?documentId=" + id, owner.Token))
        {
            Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        }
        ownerWeb.AssertNoPageErrors();
    }
}
