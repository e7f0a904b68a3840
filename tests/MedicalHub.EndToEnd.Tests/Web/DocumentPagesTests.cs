using System.Net;
using System.Text.RegularExpressions;
using MedicalHub.EndToEnd.Tests.Content;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>The practice's documents in the web app: versions and their restoration, deletion and its undoing, and what a role without the rights is offered.</summary>
public sealed class DocumentPagesTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task An_administrator_uploads_a_version_restores_the_first_downloads_each_and_restores_the_deleted_document()
    {
        using var documents = new DocumentsClient(stack);
        var admin = await documents.Caller.NewOrganizationAdminAsync();
        var patientId = await documents.NewPatientAsync(admin, "Versionné", "Victor");
        var first = DocumentsClient.Pdf("first");
        var second = DocumentsClient.Pdf("second");
        var created = await documents.CreateAsync(admin, first, "letter.pdf", patientId);
        var id = created.GetProperty("id").GetGuid();

        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(admin.Account.Email, admin.Account.Password);
        await web.NavigateAsync("Documents", "Documents");
        var list = page.GetByRole(AriaRole.List, new() { Name = "Documents", Exact = true });
        await Expect(list.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await list.GetByRole(AriaRole.Link, new() { Name = "Referral letter" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Referral letter");
        var versions = page.GetByRole(AriaRole.List, new() { Name = "Versions", Exact = true });
        await Expect(versions.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(versions).ToContainTextAsync("Version 1 (current)");

        var upload = page.GetByRole(AriaRole.Form, new() { Name = "Upload a new version" });
        await upload.GetByLabel("New version's file").SetInputFilesAsync(new FilePayload { Name = "letter-v2.pdf", MimeType = "application/pdf", Buffer = second });
        await upload.GetByRole(AriaRole.Button, new() { Name = "Upload a new version" }).ClickAsync();
        await Expect(page.GetByText("Version 2 is uploaded.")).ToBeVisibleAsync();
        await Expect(versions.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Expect(versions).ToContainTextAsync("Version 2 (current)");

        await versions.GetByRole(AriaRole.Button, new() { Name = "Restore: Version 1" }).ClickAsync();
        await versions.GetByRole(AriaRole.Button, new() { Name = "Restore version 1" }).ClickAsync();
        await Expect(page.GetByText("Restored as version 3.")).ToBeVisibleAsync();
        await Expect(versions.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        await Expect(versions.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("Version 3 (current)");
        await Expect(versions.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("restored from version 1");
        await web.AssertAccessibleAsync();

        // The current version is the first one's bytes again; version 2 is still there as it was.
        var current = await web.DownloadAsync(page.GetByRole(AriaRole.Button, new() { Name = "Download: Referral letter" }));
        Assert.Equal("letter.pdf", current.FileName);
        Assert.Equal(first, current.Bytes);
        var version2 = await web.DownloadAsync(versions.GetByRole(AriaRole.Button, new() { Name = "Download: Version 2" }));
        Assert.Equal("letter-v2.pdf", version2.FileName);
        Assert.Equal(second, version2.Bytes);

        // Someone else adds a version meanwhile: restoring from this (now stale) page changes nothing and says why.
        using (var meanwhile = await documents.UploadMultipartAsync(admin.Token, DocumentsClient.Pdf("meanwhile"), "letter-v4.pdf", path: $"/api/documents/{id}/versions"))
        {
            Assert.Equal(HttpStatusCode.Created, meanwhile.StatusCode);
        }
        await versions.GetByRole(AriaRole.Button, new() { Name = "Restore: Version 2" }).ClickAsync();
        await versions.GetByRole(AriaRole.Button, new() { Name = "Restore version 2" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Someone changed this since you opened it");
        await page.ReloadAsync();
        await Expect(versions.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(4);

        // Deleted, it leaves the list; the administrator finds it among the deleted documents and restores it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete it" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Documents");
        await Expect(page.GetByText("“Referral letter” is deleted.")).ToBeVisibleAsync();
        await Expect(page.GetByText("No documents.")).ToBeVisibleAsync();
        var deleted = page.GetByRole(AriaRole.List, new() { Name = "Deleted documents", Exact = true });
        await Expect(deleted.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(deleted).ToContainTextAsync(new Regex("purged after"));
        await web.AssertAccessibleAsync();
        await deleted.GetByRole(AriaRole.Button, new() { Name = "Restore: Referral letter" }).ClickAsync();
        await Expect(page.GetByText("No deleted documents.")).ToBeVisibleAsync();
        await Expect(list.GetByRole(AriaRole.Link, new() { Name = "Referral letter" })).ToBeVisibleAsync();
        using (var restored = await documents.GetAsync($"/api/documents/{id}", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }
        web.AssertNoPageErrors();
    }

    [Fact]
    public async Task A_reader_reads_and_downloads_but_is_offered_no_upload_restore_delete_sharing_or_deleted_documents()
    {
        using var documents = new DocumentsClient(stack);
        using var identity = new IdentityClient(stack);
        var admin = await documents.Caller.NewOrganizationAdminAsync();
        // Only documents:read (every built-in clinical role may also write documents).
        var readerRole = await documents.Caller.CustomRoleAsync(admin, "documents:read");
        var reader = await PracticeMembers.InviteAsync(identity, admin.Token, admin.OrganizationId, readerRole);
        var first = DocumentsClient.Pdf("first");
        var created = await documents.CreateAsync(admin, first, "letter.pdf");
        using (var second = await documents.UploadMultipartAsync(admin.Token, DocumentsClient.Pdf("second"), "letter-v2.pdf", path: $"/api/documents/{created.GetProperty("id").GetGuid()}/versions"))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(reader.Email, reader.Password);
        await web.NavigateAsync("Documents", "Documents");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Deleted documents", Exact = true })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.List, new() { Name = "Documents", Exact = true }).GetByRole(AriaRole.Link, new() { Name = "Referral letter" }).ClickAsync();
        var versions = page.GetByRole(AriaRole.List, new() { Name = "Versions", Exact = true });
        await Expect(versions.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);

        // documents:read only: nothing to change or share is offered (Content would refuse it: 403).
        await Expect(page.GetByRole(AriaRole.Form, new() { Name = "Upload a new version" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Restore: Version 1" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sharing" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Links" })).ToHaveCountAsync(0);
        var version1 = await web.DownloadAsync(versions.GetByRole(AriaRole.Button, new() { Name = "Download: Version 1" }));
        Assert.Equal("letter.pdf", version1.FileName);
        Assert.Equal(first, version1.Bytes);
        await web.AssertAccessibleAsync();
        web.AssertNoPageErrors();
    }
}
