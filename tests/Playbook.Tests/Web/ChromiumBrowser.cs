using Microsoft.Playwright;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>Headless Chromium with every request that is not to the console aborted and counted, and every
/// console error, page error or policy violation recorded.</summary>
internal sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _origin;
    private readonly List<string> _outside = [];
    private readonly List<string> _problems = [];
    private int _seen;

    private ChromiumBrowser(IPlaywright playwright, IBrowser browser, string origin)
    {
        _playwright = playwright;
        _browser = browser;
        _origin = origin;
    }

    public static async Task<ChromiumBrowser> OpenAsync(string origin)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (.ci/run does)");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = ["--no-sandbox"], Headless = true });
        return new ChromiumBrowser(playwright, browser, origin);
    }

    /// <summary>A new browser context (its own cookies), signed in through the form.</summary>
    public async Task<IPage> SignInAsync(string token)
    {
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        await context.RouteAsync("**/*", async route =>
        {
            lock (_outside) _seen++;
            if (route.Request.Url.StartsWith(_origin + "/", StringComparison.Ordinal)) await route.ContinueAsync();
            else
            {
                lock (_outside) _outside.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        page.Console += (_, m) => { if (m.Type == "error") lock (_problems) _problems.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => { lock (_problems) _problems.Add("page error: " + e); };
        await page.GotoAsync(_origin + "/");
        Assert.EndsWith("/signin", new Uri(page.Url).AbsolutePath);
        await page.Locator("#token").FillAsync(token);
        await page.Locator(".signin button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(_origin + "/");
        return page;
    }

    public void AssertNothingElse()
    {
        lock (_outside) Assert.Empty(_outside);
        // A console error would be a blocked script or style (the policy) or a broken page.
        // (A refused POST, 400 or 403, is logged by the browser as a failed load: those are what a test provoked.)
        lock (_problems) Assert.DoesNotContain(_problems, p => !p.Contains("403", StringComparison.Ordinal) && !p.Contains("400", StringComparison.Ordinal));
        lock (_outside) Assert.True(_seen > 0, "no request went through the route: it did not see the pages");
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

