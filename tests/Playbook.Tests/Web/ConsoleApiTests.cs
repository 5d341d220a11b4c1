using System.Net;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>The console's rules over HTTP: nobody sees anything without signing in, a wrong token gets nothing,
/// sign-in is rate-limited, every POST needs its antiforgery token, only approvers answer, and what they answer
/// reaches the run's answer inbox with who and from where.</summary>
public sealed class ConsoleApiTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/runs/" + ConsoleSite.RunId)]
    [InlineData("/runs/" + ConsoleSite.RunId + "/report")]
    [InlineData("/playbooks")]
    public async Task A_page_without_a_session_sends_to_the_sign_in_form(string page)
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var response = await factory.Client().GetAsync(page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location?.AbsolutePath);
        Assert.DoesNotContain("approval-demo", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_event_stream_and_an_answer_without_a_session_are_refused()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var client = factory.Client();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/runs/{ConsoleSite.RunId}/events")).StatusCode);
        var csrf = await ConsoleFactory.CsrfAsync(client, "/signin");
        var post = await client.PostAsync($"/runs/{ConsoleSite.RunId}/answer", ConsoleFactory.Form(("__csrf", csrf), ("address", ConsoleSite.Address), ("outcome", "approve")));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Empty(site.Inbox.All);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_gives_no_session()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var client = factory.Client();

        // The right shape, one character off, and something else altogether.
        foreach (var token in new[] { site.ApproverToken[..^1] + (site.ApproverToken[^1] == 'A' ? 'B' : 'A'), "alice", "" })
        {
            var response = await client.PostAsync("/signin", ConsoleFactory.Form(("__csrf", await ConsoleFactory.CsrfAsync(client, "/signin")), ("token", token)));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("That token is not valid.", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);

        var signedIn = await factory.SignedInAsync(site.ApproverToken);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_are_refused_even_with_the_right_token()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options(signInPermits: 3));
        var client = factory.Client();
        var csrf = await ConsoleFactory.CsrfAsync(client, "/signin");

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/signin", ConsoleFactory.Form(("__csrf", csrf), ("token", "pbt_guess" + i)))).StatusCode);
        var limited = await client.PostAsync("/signin", ConsoleFactory.Form(("__csrf", csrf), ("token", site.ApproverToken)));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_post_without_its_antiforgery_token_or_with_a_wrong_one_is_refused()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var client = await factory.SignedInAsync(site.ApproverToken);
        var page = $"/runs/{ConsoleSite.RunId}";
        var good = await ConsoleFactory.CsrfAsync(client, page);

        var none = await client.PostAsync(page + "/answer", ConsoleFactory.Form(("address", ConsoleSite.Address), ("outcome", "approve")));
        var wrong = await client.PostAsync(page + "/answer", ConsoleFactory.Form(("__csrf", good[..^2] + "xx"), ("address", ConsoleSite.Address), ("outcome", "approve")));
        // Sign-in is a POST too: a forged one cannot sign a victim in as someone else.
        var signIn = await factory.Client().PostAsync("/signin", ConsoleFactory.Form(("token", site.ApproverToken)));

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Empty(site.Inbox.All);

        // The same form with its token goes through: the refusals above were for the token alone.
        var ok = await client.PostAsync(page + "/answer", ConsoleFactory.Form(("__csrf", good), ("address", ConsoleSite.Address), ("outcome", "approve")));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Single(site.Inbox.All);
    }

    [Fact]
    public async Task A_viewer_sees_the_approval_without_buttons_and_cannot_post_an_answer()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var viewer = await factory.SignedInAsync(site.ViewerToken);
        var page = $"/runs/{ConsoleSite.RunId}";
        var html = await viewer.GetStringAsync(page);

        Assert.Contains("Waiting for an answer", html);
        Assert.Contains("Fail over ${target} now?", html);
        Assert.DoesNotContain("<button type=\"submit\" name=\"outcome\"", html);
        Assert.Contains("Only approvers can answer", html);

        var post = await viewer.PostAsync(page + "/answer", ConsoleFactory.Form(("__csrf", await ConsoleFactory.CsrfAsync(viewer, page)), ("address", ConsoleSite.Address), ("outcome", "approve")));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Empty(site.Inbox.All);
    }

    [Fact]
    public async Task An_approvers_answer_reaches_the_inbox_with_who_from_where_and_the_comment()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var approver = await factory.SignedInAsync(site.ApproverToken);
        var page = $"/runs/{ConsoleSite.RunId}";
        var html = await approver.GetStringAsync(page);
        Assert.Contains("value=\"approve\" class=\"approve\">Approve</button>", html);

        var post = await approver.PostAsync(page + "/answer", ConsoleFactory.Form(("__csrf", await ConsoleFactory.CsrfAsync(approver, page)),
            ("address", ConsoleSite.Address), ("outcome", "reject"), ("comment", "replica lag is 40s")));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var answer = Assert.Single(site.Inbox.All);
        Assert.Equal((ConsoleSite.RunId, ConsoleSite.Address, "reject", "alice", "replica lag is 40s"), (answer.RunId, answer.Address, answer.Outcome, answer.Who, answer.Comment));
        Assert.StartsWith("web ", answer.From);
    }

    [Fact]
    public async Task An_answer_for_a_step_the_run_is_not_waiting_on_is_refused()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var approver = await factory.SignedInAsync(site.ApproverToken);
        var page = $"/runs/{ConsoleSite.RunId}";
        var csrf = await ConsoleFactory.CsrfAsync(approver, page);

        var other = await approver.PostAsync(page + "/answer", ConsoleFactory.Form(("__csrf", csrf), ("address", "prepare"), ("outcome", "approve")));
        var bad = await approver.PostAsync(page + "/answer", ConsoleFactory.Form(("__csrf", csrf), ("address", ConsoleSite.Address), ("outcome", "maybe")));
        var noRun = await approver.PostAsync("/runs/20990101-000000-0000/answer", ConsoleFactory.Form(("__csrf", csrf), ("address", ConsoleSite.Address), ("outcome", "approve")));
        var traversal = await approver.GetAsync("/runs/..%2Fusers/report");

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noRun.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
        Assert.Empty(site.Inbox.All);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_same_site_strict_and_pages_carry_a_strict_policy()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var client = factory.Client();
        var response = await client.PostAsync("/signin", ConsoleFactory.Form(("__csrf", await ConsoleFactory.CsrfAsync(client, "/signin")), ("token", site.ViewerToken)));

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("playbook.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var page = await client.GetAsync("/");
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("<script>", await page.Content.ReadAsStringAsync());
    }
}
