using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>
/// One person's browser on the web app, through the suite's gateway (the app's origin, as in run mode): its own cookies
/// and storage, its own client address (the gateway and Identity count sign-ups and logins per address), English, UTC.
/// Collects what the page reports as errors (a script error, a Content-Security-Policy violation, a failed load), which
/// each test asserts there were none of.
/// </summary>
internal sealed class WebSession : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public IPage Page { get; }
    public Uri AppUrl { get; }

    private WebSession(IBrowserContext context, IPage page, Uri appUrl)
    {
        _context = context;
        Page = page;
        AppUrl = appUrl;
        page.Console += (_, message) =>
        {
            // An API's 4xx is logged by the browser as a failed load; the tests assert what the page says about it instead.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Add($"page error: {error}");
    }

    public static async Task<WebSession> StartAsync(StackFixture stack, BrowserFixture browser, ViewportSize? viewport = null, string locale = "en-US")
    {
        var appUrl = stack.App.GetEndpoint(GatewayUnderTest.Name, "http");
        var context = await (await browser.BrowserAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = appUrl.ToString().TrimEnd('/'),
            Locale = locale,
            TimezoneId = "UTC",
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-For"] = StackFixture.TestAddress() },
        });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)Patience.TotalMilliseconds);
        return new WebSession(context, await context.NewPageAsync(), appUrl);
    }

    /// <summary>Opens a link of an e-mail (which names the suite's public app URL) on the app's origin: same path and query.</summary>
    public async Task OpenEmailLinkAsync(Uri link)
    {
        var path = link.AbsolutePath[new Uri(Identity.AccountEmailStackSettings.PublicAppUrl).AbsolutePath.Length..];
        await Page.GotoAsync(path + link.Query);
    }

    /// <summary>Identity's login page: the password, then (when TOTP is on) the code.</summary>
    public async Task LogInAsync(string email, string password, Func<string>? totp = null)
    {
        await Assertions.Expect(Page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Log in"));
        await Page.GetByLabel("E-mail address").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        if (totp is not null)
        {
            await Page.GetByLabel("Authentication code").FillAsync(totp());
            await Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        }
    }

    /// <summary>Signs in from the welcome page and waits for the signed-in home.</summary>
    public async Task SignInAsync(string email, string password, Func<string>? totp = null)
    {
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await LogInAsync(email, password, totp);
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hello");
    }

    /// <summary>A page of the signed-in app, through its navigation (a client-side route change, as a user makes it).</summary>
    public async Task NavigateAsync(string linkName, string heading)
    {
        var menu = Page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        if (await menu.IsVisibleAsync())
        {
            await menu.ClickAsync();
        }
        await Page.Locator("nav#app-navigation").GetByRole(AriaRole.Link, new() { Name = linkName, Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
    }

    /// <summary>Clicks what downloads a file; the file as the browser saved it: its name and bytes.</summary>
    public async Task<(string FileName, byte[] Bytes)> DownloadAsync(ILocator trigger)
    {
        var download = await Page.RunAndWaitForDownloadAsync(() => trigger.ClickAsync());
        await using var saved = await download.CreateReadStreamAsync();
        using var bytes = new MemoryStream();
        await saved.CopyToAsync(bytes, TestContext.Current.CancellationToken);
        return (download.SuggestedFilename, bytes.ToArray());
    }

    /// <summary>axe-core's WCAG 2.1 A and AA rules on the page as it is now: no violation.</summary>
    public async Task AssertAccessibleAsync()
    {
        var result = await Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var violations = result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(violations.Count == 0, $"axe-core on {Page.Url}:\n" + string.Join("\n", violations));
    }

    /// <summary>Nothing went wrong in the page: no script error, no CSP violation, no failed load.</summary>
    public void AssertNoPageErrors() => Assert.True(_errors.Count == 0, "The page reported errors:\n" + string.Join("\n", _errors));

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
