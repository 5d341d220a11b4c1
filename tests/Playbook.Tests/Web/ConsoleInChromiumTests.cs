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
    [Fact]
    public async Task A_record_journaled_while_the_run_page_is_open_appears_on_it_from_a_real_serve()
    {
        using var site = new ConsoleSite();
        using var serve = ServeProcess.Start(site);
        await using var browser = await ChromiumBrowser.OpenAsync(serve.Url);

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
        await using var browser = await ChromiumBrowser.OpenAsync(server.Url);
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
        await approver.Locator("input[name=comment]").FillAsync("replica lag is 2s");
        await approver.Locator("button.approve").ClickAsync();
        await approver.WaitForURLAsync(runPage);

        var answer = Assert.Single(site.Inbox.All);
        Assert.Equal(("approve", "alice", "replica lag is 2s"), (answer.Outcome, answer.Who, answer.Comment));
        Assert.Equal("web 127.0.0.1", answer.From);
        browser.AssertNothingElse();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

}
