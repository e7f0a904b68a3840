using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>
/// A practice's first day, in Chromium through the gateway: register, open the verification e-mail from the
/// development mailbox, verify, sign in (authorization code + PKCE on Identity's login page), enrol an authenticator,
/// sign out, and sign in again with a TOTP code. Every page is checked with axe-core.
/// </summary>
public sealed class SignUpAndMfaTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task A_practice_registers_verifies_its_address_signs_in_enrols_totp_and_signs_in_again_with_a_code()
    {
        await using var web = await WebSession.StartAsync(stack, browser);
        using var mailbox = new AccountEmailMailbox(stack);
        var page = web.Page;
        var email = IdentityClient.NewEmail();
        const string Password = "a sunny practice on the hill";

        // Register.
        await page.GotoAsync("/");
        await web.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Register your practice" }).ClickAsync();
        await web.AssertAccessibleAsync();
        await page.GetByLabel("Practice name").FillAsync("Cabinet des Lilas");
        await page.GetByLabel("First name").FillAsync("Zoë");
        await page.GetByLabel("Last name").FillAsync("Lefèvre");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm the password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the practice" }).ClickAsync();
        await Expect(page.GetByText($"We sent a verification link to {email}")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        // The verification e-mail, through Communication to the development mailbox; its link opens the app.
        var verification = await mailbox.WaitForAsync(email, "Verify your e-mail address");
        await web.OpenEmailLinkAsync(verification.Link);
        await Expect(page.GetByText("Your address is verified. You can sign in.")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        // A link whose token Identity refuses says so, and offers a new e-mail, instead of failing blank.
        await page.GotoAsync($"/verify-email?userId={verification.Query["userId"]}&token=not-the-token");
        await Expect(page.GetByText("This verification link has expired or was already used.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send a new verification e-mail" })).ToBeVisibleAsync();

        // Sign in through Identity's login page; the app comes back signed in.
        await web.SignInAsync(email, Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Hello, Zoë");
        await web.AssertAccessibleAsync();

        // Enrol an authenticator: the QR code and the key, a first code, the recovery codes.
        await web.NavigateAsync("Password and two-factor", "Password and two-factor authentication");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with an authenticator app" })).ToBeVisibleAsync();
        var secret = (await page.GetByTestId("totp-secret").TextContentAsync())!.Trim();
        await web.AssertAccessibleAsync();
        var enrolmentCode = Totp.Code(secret);
        await page.GetByLabel("Authenticator code").FillAsync(enrolmentCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Expect(page.GetByText("Two-factor authentication is on.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Your recovery codes" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(10);
        await web.AssertAccessibleAsync();

        // Sign out: Identity ends the session and sends the browser back to the app's welcome page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome to MedicalHub" })).ToBeVisibleAsync();

        // Sign in again: now the login page asks for a code (a new one: each code is accepted once).
        await web.SignInAsync(email, Password, totp: () => NextCode(secret, enrolmentCode));
        await web.NavigateAsync("Password and two-factor", "Password and two-factor authentication");
        await Expect(page.GetByText("Two-factor authentication is on.")).ToBeVisibleAsync();
        web.AssertNoPageErrors();
    }

    /// <summary>The authenticator's code, once it differs from one already used (waits for the next 30-second step if needed).</summary>
    internal static string NextCode(string secret, string used)
    {
        var code = Totp.Code(secret);
        while (code == used)
        {
            Thread.Sleep(500);
            code = Totp.Code(secret);
        }
        return code;
    }
}
