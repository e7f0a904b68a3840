using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(MedicalHub.EndToEnd.Tests.Web.BrowserFixture))]

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/prerequisites.sh: Playwright's own browsers cannot
/// be downloaded here), driven by Playwright, launched once on first use for the whole suite. Each test gets a browser
/// context of its own (cookies, storage) on the suite's stack.
/// </summary>
public sealed class BrowserFixture : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Headless, and quiet on a machine without internet: no background networking, updates, sync or QUIC.</summary>
    private static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly SemaphoreSlim _launch = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task<IBrowser> BrowserAsync()
    {
        await _launch.WaitAsync();
        try
        {
            if (_browser is null)
            {
                Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/prerequisites.sh (apt-get install chromium).");
                // The machine may be shared and busy: waiting for a page to show something is not a performance test.
                Assertions.SetDefaultExpectTimeout(30_000);
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ChromiumPath,
                    Headless = true,
                    Args = Arguments,
                });
            }
            return _browser;
        }
        finally
        {
            _launch.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        _launch.Dispose();
    }
}
