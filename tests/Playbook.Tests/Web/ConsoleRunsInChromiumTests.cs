using Microsoft.Playwright;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>The console over real runs, in the system's headless Chromium: a real <c>playbook serve</c> and real
/// <c>playbook run</c> processes. An operator starts a run from the library's form, watches it reach its manual
/// step, approves it and sees it end, without reloading; with <c>quorum 2</c> one approval leaves the run waiting
/// (the page says 1 of 2) and a second person's moves it; a viewer has no buttons, and forged answers (no token, a
/// wrong token, a viewer's) are refused and do not count. No page asks anything of anyone but the console.</summary>
public sealed class ConsoleRunsInChromiumTests
{
    private static readonly TimeSpan Patience = ChromiumBrowser.Patience;

    [Fact]
    public async Task An_operator_starts_a_run_from_the_form_watches_it_reach_the_approval_approves_and_sees_it_end()
    {
        using var site = new RunnerSite();
        using var serve = ServeProcess.Start(site.Directory, site.JournalDirectory, site.UsersPath);
        await using var browser = await ChromiumBrowser.OpenAsync(serve.Url);
        var page = await browser.SignInAsync(site.OperatorToken);

        await page.GotoAsync($"{serve.Url}/playbooks");
        await page.Locator("tr", new() { HasText = "web-approve" }).Locator("a.start").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Start web-approve");
        // A value of the wrong type is refused by the server as --input refuses it, and nothing is started.
        await page.Locator("#input-replicas").FillAsync("two");
        await page.Locator("button.start").ClickAsync();
        await Expect(page.Locator("ul.problem")).ToContainTextAsync("input 'replicas' is int: 'two' is not a whole number");
        Assert.Empty(site.Journals());

        await page.Locator("#input-replicas").FillAsync("3");
        await page.Locator("#input-target").FillAsync("db-2 $(touch pwned) `id` <b>x</b>");
        await page.Locator("button.start").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9]{8}-[0-9]{6}-[0-9a-f]+$"));
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var started = Assert.Single(site.Records(id, "run-started"));
        Assert.StartsWith("olga via the web console, as ", started.GetProperty("user").GetString());
        Assert.Equal("db-2 $(touch pwned) `id` <b>x</b>", started.GetProperty("inputs").GetProperty("target").GetString());
        Assert.Equal("3", started.GetProperty("inputs").GetProperty("replicas").GetString());
        Assert.False(File.Exists(Path.Combine(site.Directory, "pwned")), "a value became a command");
        await Expect(page.Locator("dd", new() { HasText = "olga via the web console" })).ToHaveCountAsync(1);

        // The page follows the run by itself to the manual step (prepare takes two seconds).
        await Expect(page.Locator("#approvals .prompt")).ToHaveTextAsync("Fail over db-2 $(touch pwned) `id` <b>x</b> now?", new() { Timeout = (float)Patience.TotalMilliseconds });
        Assert.Equal("live", (await page.Locator("dd.liveness").TextContentAsync())?.Trim());
        await page.Locator("input[name=comment]").FillAsync("lag is fine");
        await page.Locator("button.approve").ClickAsync();

        await Expect(page.Locator("#current")).ToContainTextAsync("The run ended: success at done");
        await Expect(page.Locator("p.report-link a")).ToBeVisibleAsync();
        var answered = Assert.Single(site.Records(id, "answered"));
        Assert.Equal(("approve", "olga", "lag is fine"), (answered.GetProperty("answer").GetString(), answered.GetProperty("who").GetString(), answered.GetProperty("comment").GetString()));
        browser.AssertNothingElse();
    }

    [Fact]
    public async Task With_quorum_2_one_approval_waits_a_second_person_moves_the_run_and_forged_answers_are_refused()
    {
        using var site = new RunnerSite();
        using var serve = ServeProcess.Start(site.Directory, site.JournalDirectory, site.UsersPath);
        // The runner as an operator starts it at a terminal (stdin not a terminal: it takes answers from the inbox).
        using var runner = CliProcess.Start(site.Directory, new Dictionary<string, string?>(), "run", site.PlaybookPath("web-quorum"), "--journal", site.JournalDirectory);
        site.WaitFor(() => site.Journals().Count == 1, Patience, "the run's journal");
        var id = Path.GetFileNameWithoutExtension(site.Journals()[0]);
        await using var browser = await ChromiumBrowser.OpenAsync(serve.Url);
        var runPage = $"{serve.Url}/runs/{id}";

        var alice = await browser.SignInAsync(site.AliceToken);
        await alice.GotoAsync(runPage);
        await Expect(alice.Locator("#approvals .prompt")).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        await Expect(alice.Locator("#approvals .quorum")).ToHaveTextAsync("approvals: 0 of 2; 2 more from different people move the run");
        await alice.Locator("button.approve").ClickAsync();
        await Expect(alice.Locator("#approvals .quorum")).ToHaveTextAsync("approvals: 1 of 2 (alice); 1 more from different people move the run");
        await Expect(alice.Locator("#approvals")).ToContainTextAsync("You approved");
        Assert.Equal(0, await alice.Locator("button.approve").CountAsync());
        Assert.Equal("live", (await alice.Locator("dd.liveness").TextContentAsync())?.Trim());

        // A viewer sees the question and no buttons; a POST made by hand with their page's own token is refused.
        var victor = await browser.SignInAsync(site.ViewerToken);
        await victor.GotoAsync(runPage);
        await Expect(victor.Locator("#approvals .quorum")).ToContainTextAsync("1 of 2");
        Assert.Equal(0, await victor.Locator("button.approve, button.reject").CountAsync());
        Assert.Equal(403, await PostAnswerAsync(victor, "token"));

        // An approver's forged POSTs: without the antiforgery token, and with a wrong one.
        var bob = await browser.SignInAsync(site.BobToken);
        await bob.GotoAsync(runPage);
        Assert.Equal(400, await PostAnswerAsync(bob, "none"));
        Assert.Equal(400, await PostAnswerAsync(bob, "wrong"));
        await Expect(bob.Locator("#approvals .quorum")).ToContainTextAsync("1 of 2 (alice)");
        if (Environment.GetEnvironmentVariable("PLAYBOOK_WEB_SCREENSHOT") is { Length: > 0 } shot)
            await bob.ScreenshotAsync(new() { Path = shot, FullPage = true });

        // Bob's click is the second approval: alice's open page sees the run end by itself.
        await bob.Locator("button.approve").ClickAsync();
        await Expect(alice.Locator("#current")).ToContainTextAsync("The run ended: success at done");
        var run = runner.Finish(Patience);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(["alice", "bob"], site.Records(id, "voted").Select(v => v.GetProperty("who").GetString()));
        Assert.Equal("alice, bob", Assert.Single(site.Records(id, "answered")).GetProperty("who").GetString());
        browser.AssertNothingElse();
    }

    /// <summary>An approval POSTed by script from <paramref name="page"/>, with its own antiforgery token
    /// (<c>token</c>), none, or a wrong one; the status the console answered.</summary>
    private static Task<int> PostAnswerAsync(IPage page, string csrf) =>
        page.EvaluateAsync<int>(@"async (csrf) => {
            const fields = { address: 'approve-failover', outcome: 'approve' };
            if (csrf === 'token') fields.__csrf = document.querySelector('input[name=__csrf]').value;
            if (csrf === 'wrong') fields.__csrf = 'CfDJ8' + 'A'.repeat(120);
            const r = await fetch(location.pathname + '/answer', { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
            return r.status; }", csrf);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
