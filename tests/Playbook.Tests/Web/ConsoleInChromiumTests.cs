using System.Diagnostics;
using Microsoft.Playwright;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>The console in a real browser, the system's headless Chromium (never a downloaded one): a record the
/// runner journals appears on an open run page by itself, an approver's click reaches the run's answer inbox, a
/// viewer gets no buttons and a forged POST from their page is refused, and no page asks anything of anyone but
/// the console (every other request is aborted and counted).</summary>
public sealed class ConsoleInChromiumTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_record_journaled_while_the_run_page_is_open_appears_on_it_from_a_real_serve()
    {
        using var site = new ConsoleSite();
        using var serve = ServeProcess.Start(site);
        await using var browser = await Browser.OpenAsync(serve.Url);

        var page = await browser.SignInAsync(site.ApproverToken);
        await page.GotoAsync($"{serve.Url}/runs/{ConsoleSite.RunId}");
        await Expect(page.Locator("#approvals .prompt")).ToHaveTextAsync("Fail over ${target} now?");
        var before = await page.Locator("#timeline li").CountAsync();
        // The stream is open once its first event has come; then the runner (here, the test) journals a record.
        await Expect(page.Locator("#timeline[data-live=open]")).ToHaveCountAsync(1);
        site.Notify("replica promoted: <b>db-2</b>");

        var added = page.Locator("#timeline li", new() { HasText = "replica promoted: <b>db-2</b>" });
        await Expect(added).ToHaveCountAsync(1);
        Assert.Equal(before + 1, await page.Locator("#timeline li").CountAsync());
        Assert.Equal(0, await page.Locator("#timeline b").CountAsync());
        browser.AssertNothingElse();
    }

    [Fact]
    public async Task An_approver_answers_with_a_click_and_a_viewer_gets_no_buttons_and_is_refused()
    {
        using var site = new ConsoleSite();
        await using var server = await KestrelConsole.StartAsync(site.Options());
        await using var browser = await Browser.OpenAsync(server.Url);
        var runPage = $"{server.Url}/runs/{ConsoleSite.RunId}";

        var viewer = await browser.SignInAsync(site.ViewerToken);
        await viewer.GotoAsync(runPage);
        await Expect(viewer.Locator("#approvals .prompt")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.Locator("button.approve, button.reject").CountAsync());
        // A POST built by hand in the viewer's page, with the page's own antiforgery token: still refused (role).
        var status = await viewer.EvaluateAsync<int>(@"async () => {
            const form = new URLSearchParams({ address: 'approve-failover', outcome: 'approve', __csrf: document.querySelector('input[name=__csrf]').value });
            const r = await fetch(location.pathname + '/answer', { method: 'POST', body: form, redirect: 'manual' });
            return r.status; }");
        Assert.Equal(403, status);
        Assert.Empty(site.Inbox.All);

        var approver = await browser.SignInAsync(site.ApproverToken);
        await approver.GotoAsync(runPage);
        await Expect(approver.Locator("#approvals .countdown")).ToContainTextAsync("left");
        if (Environment.GetEnvironmentVariable("PLAYBOOK_WEB_SCREENSHOT") is { Length: > 0 } shot)
            await approver.ScreenshotAsync(new() { Path = shot, FullPage = true });
        await approver.Locator("input[name=comment]").FillAsync("replica lag is 2s");
        await approver.Locator("button.approve").ClickAsync();
        await approver.WaitForURLAsync(runPage);

        var answer = Assert.Single(site.Inbox.All);
        Assert.Equal(("approve", "alice", "replica lag is 2s"), (answer.Outcome, answer.Who, answer.Comment));
        Assert.Equal("web 127.0.0.1", answer.From);
        browser.AssertNothingElse();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>Headless Chromium with every request that is not to the console aborted and counted, and every
    /// console error, page error or policy violation recorded.</summary>
    private sealed class Browser : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;
        private readonly string _origin;
        private readonly List<string> _outside = [];
        private readonly List<string> _problems = [];

        private Browser(IPlaywright playwright, IBrowser browser, string origin)
        {
            _playwright = playwright;
            _browser = browser;
            _origin = origin;
        }

        public static async Task<Browser> OpenAsync(string origin)
        {
            Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (.ci/run does)");
            Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = ["--no-sandbox"], Headless = true });
            return new Browser(playwright, browser, origin);
        }

        /// <summary>A new browser context (its own cookies), signed in through the form.</summary>
        public async Task<IPage> SignInAsync(string token)
        {
            var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
            await context.RouteAsync("**/*", async route =>
            {
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
            lock (_problems) Assert.DoesNotContain(_problems, p => !p.Contains("403", StringComparison.Ordinal));
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }

    /// <summary><c>playbook serve</c> itself, on a free loopback port (it prints the URL it got first).</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;

        private ServeProcess(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }

        public static ServeProcess Start(ConsoleSite site)
        {
            var start = new ProcessStartInfo(CliProcess.DotnetHost())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = site.Directory,
            };
            foreach (var arg in new[] { CliProcess.PlaybookDll(), "serve", "--listen", "127.0.0.1:0", "--journal", site.JournalDirectory, "--users", site.UsersPath, "--playbooks", site.Directory })
                start.ArgumentList.Add(arg);
            var process = Process.Start(start)!;
            var first = process.StandardOutput.ReadLineAsync();
            if (!first.Wait(TimeSpan.FromSeconds(120)) || first.Result is not { } url)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("playbook serve printed no URL: " + process.StandardError.ReadToEnd());
                throw new InvalidOperationException();
            }
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", url);
            return new ServeProcess(process, url);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
