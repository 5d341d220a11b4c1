using System.Diagnostics;
using System.Net;
using Playbook.Web;
using Playbook.Web.Auth;
using Playbook.Web.Pages;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>Starting a run from the library's form: operators only, antiforgery checked, only the library's
/// playbooks, inputs checked as <c>--input</c> checks them before anything starts, every limit enforced; a start
/// that passes is a real <c>playbook run</c> whose journal names the signed-in user and keeps the values as data.</summary>
public sealed class ConsoleStartTests
{
    private static WebConsoleOptions Options(RunnerSite site) => new()
    {
        JournalDirectory = site.JournalDirectory,
        Users = UsersFile.Open(site.UsersPath),
        PlaybooksDirectory = site.Directory,
        Runner = [CliProcess.DotnetHost(), CliProcess.PlaybookDll()],
    };

    [Fact]
    public async Task Only_operators_get_the_form_and_the_link_and_only_they_may_post_it()
    {
        using var site = new RunnerSite();
        using var factory = new ConsoleFactory(Options(site));
        var form = "/playbooks/start?path=" + Uri.EscapeDataString(site.PlaybookPath("web-approve"));
        foreach (var token in new[] { site.ViewerToken, site.AliceToken })
        {
            var client = await factory.SignedInAsync(token);
            Assert.DoesNotContain("Start a run", await client.GetStringAsync("/playbooks"));
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(form)).StatusCode);
            var csrf = await ConsoleFactory.CsrfAsync(client, "/");
            var post = await client.PostAsync("/playbooks/start", ConsoleFactory.Form(("__csrf", csrf), ("path", site.PlaybookPath("web-approve"))));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }
        var anonymous = factory.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/playbooks/start", ConsoleFactory.Form(("path", site.PlaybookPath("web-approve"))))).StatusCode);

        var olga = await factory.SignedInAsync(site.OperatorToken);
        Assert.Contains("Start a run", await olga.GetStringAsync("/playbooks"));
        var page = await olga.GetStringAsync(form);
        Assert.Contains("name=\"input.replicas\"", page);
        Assert.Contains("placeholder=\"default: 2\"", page);
        Assert.Empty(site.Journals());
    }

    [Fact]
    public async Task A_forged_an_unknown_an_oversized_or_a_mistyped_start_is_refused_and_starts_nothing()
    {
        using var site = new RunnerSite();
        using var factory = new ConsoleFactory(Options(site));
        var olga = await factory.SignedInAsync(site.OperatorToken);
        var path = site.PlaybookPath("web-approve");
        var csrf = await ConsoleFactory.CsrfAsync(olga, "/playbooks/start?path=" + Uri.EscapeDataString(path));

        Assert.Equal(HttpStatusCode.BadRequest, (await olga.PostAsync("/playbooks/start", ConsoleFactory.Form(("path", path)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await olga.PostAsync("/playbooks/start", ConsoleFactory.Form(("__csrf", csrf + "x"), ("path", path)))).StatusCode);
        // Only the library's own files: not any path on the machine, not a relative way out of the library.
        foreach (var outside in new[] { "/etc/passwd", Path.Combine(site.Directory, "..", Path.GetFileName(site.Directory), "web-approve.playbook"), "" })
            Assert.Equal(HttpStatusCode.NotFound, (await olga.PostAsync("/playbooks/start", ConsoleFactory.Form(("__csrf", csrf), ("path", outside)))).StatusCode);

        var tooLong = await olga.PostAsync("/playbooks/start", ConsoleFactory.Form(("__csrf", csrf), ("path", path), ("input.target", new string('a', StartPage.MaxValue + 1))));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains($"input &#39;target&#39; has at most {StartPage.MaxValue} characters", await tooLong.Content.ReadAsStringAsync());

        var mistyped = await olga.PostAsync("/playbooks/start", ConsoleFactory.Form(("__csrf", csrf), ("path", path), ("input.replicas", "2.5"), ("input.nosuch", "x")));
        Assert.Equal(HttpStatusCode.BadRequest, mistyped.StatusCode);
        var html = await mistyped.Content.ReadAsStringAsync();
        Assert.Contains("input &#39;replicas&#39; is int: &#39;2.5&#39; is not a whole number", html);
        // What was typed is kept in the form, escaped.
        Assert.Contains("value=\"2.5\"", html);
        Assert.Empty(site.Journals());
    }

    [Fact]
    public async Task A_start_runs_playbook_run_whose_journal_names_the_user_and_keeps_values_as_data()
    {
        using var site = new RunnerSite();
        using var factory = new ConsoleFactory(Options(site));
        var olga = await factory.SignedInAsync(site.OperatorToken);
        var path = site.PlaybookPath("web-approve");
        var csrf = await ConsoleFactory.CsrfAsync(olga, "/playbooks/start?path=" + Uri.EscapeDataString(path));
        var marker = Path.Combine(site.Directory, "pwned");
        var hostile = $"x; touch {marker} $(touch {marker}) `touch {marker}` --journal /tmp";

        var response = await olga.PostAsync("/playbooks/start", ConsoleFactory.Form(("__csrf", csrf), ("path", path), ("input.target", hostile), ("rehearse", "true")));

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var id = response.Headers.Location!.OriginalString["/runs/".Length..];
        var started = Assert.Single(site.Records(id, "run-started"));
        try
        {
            Assert.StartsWith("olga via the web console, as ", started.GetProperty("user").GetString());
            Assert.Equal(hostile, started.GetProperty("inputs").GetProperty("target").GetString());
            Assert.Equal("2", started.GetProperty("inputs").GetProperty("replicas").GetString());
            Assert.True(started.GetProperty("options").GetProperty("rehearsal").GetBoolean());
            Assert.False(File.Exists(marker), "a value became a command");
            Assert.Contains("olga via the web console", await olga.GetStringAsync(response.Headers.Location.OriginalString));
        }
        finally
        {
            // The run goes on by itself, detached from the console: stop it (a rehearsal ends by itself anyway).
            try { Process.GetProcessById((int)started.GetProperty("pid").GetInt64()).Kill(); } catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
        }
    }

    [Fact]
    public async Task A_run_the_runner_refuses_comes_back_to_the_form_with_what_the_runner_said()
    {
        using var site = new RunnerSite();
        using var factory = new ConsoleFactory(Options(site));
        var olga = await factory.SignedInAsync(site.OperatorToken);
        var path = site.PlaybookPath("approval-demo");
        var csrf = await ConsoleFactory.CsrfAsync(olga, "/playbooks/start?path=" + Uri.EscapeDataString(path));
        Assert.Null(Environment.GetEnvironmentVariable("PLAYBOOK_SECRET_API_TOKEN"));

        // Its secret is not in the console's environment: the runner refuses before it journals anything.
        var response = await olga.PostAsync("/playbooks/start", ConsoleFactory.Form(("__csrf", csrf), ("path", path)));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<li>The run did not start:</li>", html);
        Assert.Contains("<li>playbook: secret &#39;api_token&#39; is not set: export PLAYBOOK_SECRET_API_TOKEN</li>", html);
        Assert.Empty(site.Journals());
    }

    [Fact]
    public void An_approvers_list_admits_named_people_and_roles_only()
    {
        var rules = new Approvals(["db-lead", "sre"], 2, ["ann"]);
        Assert.True(rules.MayAnswer(new ConsoleUser("db-lead", [Roles.Approver])));
        Assert.True(rules.MayAnswer(new ConsoleUser("sam", ["sre", Roles.Approver])));
        Assert.False(rules.MayAnswer(new ConsoleUser("mallory", [Roles.Approver])));
        Assert.True(new Approvals([], 1, []).MayAnswer(new ConsoleUser("anyone", [Roles.Approver])));
        Assert.True(rules.Voted(new ConsoleUser("ann", [Roles.Approver])));
        Assert.False(rules.Voted(new ConsoleUser("sam", [Roles.Approver])));
    }
}
