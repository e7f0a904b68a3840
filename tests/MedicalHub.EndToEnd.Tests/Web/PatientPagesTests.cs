using System.Text;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>Content's patients in the web app: registering a patient, finding them, and their chart's documents.</summary>
public sealed class PatientPagesTests(StackFixture stack, BrowserFixture browser)
{
    /// <summary>A one-page PDF: what Content's content sniffing recognises as application/pdf.</summary>
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    [Fact]
    public async Task A_user_registers_a_patient_finds_them_by_name_and_uploads_a_pdf_to_their_chart()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(user.Email, user.Password);
        var family = "Durand-" + Guid.NewGuid().ToString("N")[..8];

        await web.NavigateAsync("Patients", "Patients");
        var register = page.GetByRole(AriaRole.Form, new() { Name = "Register a patient" });
        await register.GetByLabel("Family name").FillAsync(family);
        await register.GetByLabel("Given names").FillAsync("Élodie");
        await register.GetByLabel("Birth date").FillAsync("2999-01-01");
        await register.GetByRole(AriaRole.Button, new() { Name = "Register the patient" }).ClickAsync();
        // Content's ValidationProblem, shown beside the field it names.
        await Expect(register.GetByLabel("Birth date")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(register.GetByText("Between 1870-01-01 and today.")).ToBeVisibleAsync();

        await register.GetByLabel("Birth date").FillAsync("1980-07-14");
        await register.GetByLabel("Gender").SelectOptionAsync("female");
        await register.GetByRole(AriaRole.Button, new() { Name = "Register the patient" }).ClickAsync();
        await Expect(register.GetByText($"Élodie {family} is registered")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        var search = page.GetByRole(AriaRole.Search, new() { Name = "Find a patient" });
        // A name's beginning, in another case: the practice has this one patient.
        await search.GetByLabel("Name").FillAsync("DURAND");
        await search.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var results = page.GetByRole(AriaRole.List, new() { Name = "Patients found" });
        await Expect(results.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(results).ToContainTextAsync(new System.Text.RegularExpressions.Regex("born .*1980"));
        await results.GetByRole(AriaRole.Link, new() { Name = $"Élodie {family}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Élodie {family}");
        await Expect(page.GetByText("No documents yet.")).ToBeVisibleAsync();

        var upload = page.GetByRole(AriaRole.Form, new() { Name = "Upload a document" });
        await upload.GetByLabel("File").SetInputFilesAsync(new FilePayload { Name = "referral.pdf", MimeType = "application/pdf", Buffer = Pdf });
        await upload.GetByLabel("Title").FillAsync("Referral to cardiology");
        await upload.GetByLabel("Category").SelectOptionAsync(new SelectOptionValue { Label = "Referral" });
        await upload.GetByRole(AriaRole.Button, new() { Name = "Upload a document" }).ClickAsync();
        var documents = page.GetByRole(AriaRole.List, new() { Name = "Documents" });
        await Expect(documents.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(documents).ToContainTextAsync("Referral to cardiology");
        await Expect(documents).ToContainTextAsync("referral.pdf");
        await web.AssertAccessibleAsync();

        // The browser saves the file under its name, with the bytes that were uploaded.
        var download = await web.DownloadAsync(documents.GetByRole(AriaRole.Button, new() { Name = "Download: Referral to cardiology", Exact = true }));
        Assert.Equal("referral.pdf", download.FileName);
        Assert.Equal(Pdf, download.Bytes);

        // The chart outlives a reload: the list is Content's, not the page's memory.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Documents" })).ToContainTextAsync("Referral to cardiology");
        web.AssertNoPageErrors();
    }
}
