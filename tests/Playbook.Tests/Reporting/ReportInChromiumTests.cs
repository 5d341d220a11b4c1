using Microsoft.Playwright;
using Xunit;

namespace Playbook.Tests.Reporting;

/// <summary>The HTML report opened in a real browser, the system's headless Chromium (never a downloaded one),
/// with the network off and served under the strictest policy a report can live with
/// (<c>default-src 'none'; style-src 'unsafe-inline'; img-src data:</c>): the page makes no request but its
/// own, the policy blocks nothing, nothing logs an error, and the timeline is drawn. The golden reports of real
/// runs are the pages (Reporting/golden), so this checks exactly what users open.</summary>
public sealed class ReportInChromiumTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    private const string Address = "http://report.invalid/report.html";

    [Theory]
    [InlineData("success")]
    [InlineData("retries")]
    [InlineData("resume")]
    public async Task The_html_report_loads_offline_under_a_strict_policy_with_no_request_and_no_error(string name)
    {
        var html = await File.ReadAllTextAsync(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "tests", "Playbook.Tests", "Reporting", "golden", name + ".report.html"));

        var (page, requests, problems, violations, dispose) = await LoadAsync(html);
        await using var _ = dispose;

        Assert.Equal([Address], requests);
        Assert.Empty(problems);
        Assert.Equal(0, violations);
        // The timeline is there and drawn: an SVG with a bar per attempt, wider than nothing.
        var bars = await page.Locator("svg.timeline rect.attempt, svg.timeline rect.approval").CountAsync();
        Assert.True(bars > 0, "no timeline bars");
        var box = await page.Locator("svg.timeline").BoundingBoxAsync();
        Assert.True(box is { Width: > 500, Height: > 40 }, $"the timeline is {box?.Width}x{box?.Height}");
    }

    /// <summary>The check itself fails a page that reaches out: the old report's CDN script (and an image) are
    /// seen as requests, blocked by the policy, and logged.</summary>
    [Fact]
    public async Task A_page_that_loads_a_script_from_a_cdn_is_caught()
    {
        var (_, requests, problems, violations, dispose) = await LoadAsync(
            "<!DOCTYPE html><html><head><title>t</title></head><body><img src=\"https://cdn.example/x.png\">" +
            "<script type=\"module\">import m from \"https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs\";</script></body></html>");
        await using var _ = dispose;

        Assert.True(requests.Count > 1 || problems.Count > 0 || violations > 0, "a page with a CDN script passed the check");
        Assert.NotEmpty(problems);
    }

    private static async Task<(IPage Page, List<string> Requests, List<string> Problems, int Violations, IAsyncDisposable Dispose)> LoadAsync(string html)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (.ci/run does)");
        // The NuGet package ships Playwright's node driver; browsers are never downloaded.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = ["--no-sandbox"], Headless = true });
        var context = await browser.NewContextAsync(new() { Offline = true });
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        var problems = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        page.RequestFailed += (_, r) => problems.Add($"request failed: {r.Url} ({r.Failure})");
        page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        // Served (not read from a file) so that the policy comes as a header, as a web server would send it;
        // anything else the page asks for is refused (and counted).
        await page.RouteAsync(Address, route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/html; charset=utf-8",
            Body = html,
            Headers = new Dictionary<string, string> { ["Content-Security-Policy"] = Policy },
        }));
        await page.RouteAsync("**/*", route => route.Request.Url == Address ? route.FallbackAsync() : route.AbortAsync());
        await page.AddInitScriptAsync("window.__violations = 0; document.addEventListener('securitypolicyviolation', () => window.__violations++);");

        var response = await page.GotoAsync(Address, new() { WaitUntil = WaitUntilState.Load, Timeout = 120_000 });
        Assert.NotNull(response);
        Assert.True(response.Ok, $"HTTP {response.Status}");
        var violations = await page.EvaluateAsync<int>("() => window.__violations");
        return (page, requests, problems, violations, new Closer(browser, playwright));
    }

    private sealed class Closer(IBrowser browser, IPlaywright playwright) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
