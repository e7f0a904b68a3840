using System.Net;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>The signed-in user's own pages: profile and preferences (French, dark mode), sessions, and a revoked session.</summary>
public sealed class AccountPagesTests(StackFixture stack, BrowserFixture browser)
{
    [Fact]
    public async Task Profile_and_preferences_are_saved_and_the_app_turns_french_and_dark()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(user.Email, user.Password);

        await web.NavigateAsync("Profile", "Profile");
        await web.AssertAccessibleAsync();
        await page.GetByLabel("Title").FillAsync("Dr");
        await page.GetByLabel("Language and region").SelectOptionAsync("fr-FR");
        await page.GetByLabel("Time zone").SelectOptionAsync("Europe/Paris");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        // The profile's language is the app's: the page speaks French at once.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Profil");
        await web.AssertAccessibleAsync();

        await web.NavigateAsync("Préférences", "Préférences");
        await page.GetByLabel("Thème", new() { Exact = true }).SelectOptionAsync("dark");
        await page.GetByLabel("Format de date").SelectOptionAsync("dd/MM/yyyy");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Expect(page.GetByText("Enregistré.")).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveClassAsync("dark");
        await web.AssertAccessibleAsync();

        // Saved in Identity: the API answers the same.
        var token = await identity.AccessTokenAsync(user);
        using var profile = await identity.SendAsync(HttpMethod.Get, "/api/account/profile", token);
        var saved = await IdentityClient.JsonAsync(profile);
        Assert.Equal("fr-FR", saved.GetProperty("locale").GetString());
        Assert.Equal("Dr", saved.GetProperty("title").GetString());
        using var preferences = await identity.SendAsync(HttpMethod.Get, "/api/account/preferences", token);
        Assert.Equal("dark", (await IdentityClient.JsonAsync(preferences)).GetProperty("theme").GetString());
        web.AssertNoPageErrors();
    }

    [Fact]
    public async Task Sessions_are_listed_and_another_one_is_signed_out_from_the_page()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var otherToken = await identity.AccessTokenAsync(user); // a second session (password grant: no device name)
        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(user.Email, user.Password);

        await web.NavigateAsync("Sessions", "Sessions");
        var sessions = page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Listitem);
        await Expect(sessions).ToHaveCountAsync(2);
        await Expect(page.GetByText("This session")).ToBeVisibleAsync();
        await web.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out every other session" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, do it" }).ClickAsync();
        await Expect(page.GetByText("1 session was signed out.")).ToBeVisibleAsync();
        await Expect(sessions).ToHaveCountAsync(1);

        // The other session's tokens are refused within seconds (the revocation list).
        await WaitUntilAsync(async () =>
        {
            using var refused = await identity.SendAsync(HttpMethod.Get, "/api/account/profile", otherToken);
            return refused.StatusCode == HttpStatusCode.Unauthorized;
        });
        web.AssertNoPageErrors();
    }

    [Fact]
    public async Task A_session_revoked_elsewhere_says_so_and_keeps_what_was_typed()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        await using var web = await WebSession.StartAsync(stack, browser);
        var page = web.Page;
        await web.SignInAsync(user.Email, user.Password);
        await web.NavigateAsync("Profile", "Profile");
        await page.GetByLabel("Phone").FillAsync("+33 1 23 45 67 89");

        // Another device of the same user signs every other session out: this browser's session ends.
        var token = await identity.AccessTokenAsync(user);
        using (var revoked = await identity.SendAsync(HttpMethod.Post, "/api/account/sessions/revoke-others", token))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        await WaitUntilAsync(async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            return await page.GetByText("Your session has ended.", new() { Exact = true }).IsVisibleAsync();
        });
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in again" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Phone")).ToHaveValueAsync("+33 1 23 45 67 89");
        await web.AssertAccessibleAsync();
        web.AssertNoPageErrors();
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        Assert.Fail("The condition never held.");
    }
}
