using System.Net;
using Playbook.Tests.RealRuns;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>What the pages and the event stream show: values from runs escaped everywhere (issue 9's hostile
/// inputs), new journal records streamed as they are written, and no secret value anywhere.</summary>
public sealed class ConsoleContentTests
{
    private static string Hostile(int n) => $"<img src=x onerror=alert({n})>`${{{n}}}`\"q'{n}";

    [Fact]
    public async Task The_approval_shows_the_question_as_the_runner_asked_it_escaped_not_the_playbooks_template()
    {
        using var site = new ConsoleSite();
        await using var factory = new ConsoleFactory(site.Options());
        var client = await factory.SignedInAsync(site.ApproverToken);
        var page = $"/runs/{ConsoleSite.RunId}";
        // A journal from before runners said what they asked: the template, as written (never evaluated by the page).
        Assert.Contains("Fail over ${target} now?", await client.GetStringAsync(page));

        site.Writer.Append("asked", j => { j.WriteString("flow", ""); j.WriteString("state", ConsoleSite.Address); j.WriteString("prompt", "Fail over " + Hostile(6) + " now?"); });
        var html = await client.GetStringAsync(page);
        Assert.Contains("Fail over &lt;img src=x onerror=alert(6)&gt;&#96;${6}&#96;&quot;q&#39;6 now?", html);
        Assert.DoesNotContain("Fail over ${target} now?", html);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Hostile_values_from_a_run_are_escaped_in_every_page_and_event()
    {
        using var site = new ConsoleSite(Hostile);
        site.Notify(Hostile(4));
        // Ended, so that its event stream ends too and can be read whole.
        site.Writer.Append("run-ended", j => { j.WriteString("status", "failure"); j.WriteNumber("elapsed_ms", 40_000); j.WriteString("reason", Hostile(5)); });
        await using var factory = new ConsoleFactory(site.Options());
        var client = await factory.SignedInAsync(site.ApproverToken);

        var pages = new Dictionary<string, string>();
        foreach (var page in new[] { "/", $"/runs/{ConsoleSite.RunId}", $"/runs/{ConsoleSite.RunId}/report", "/playbooks" })
            pages[page] = await client.GetStringAsync(page);
        pages["events"] = await ReadAllEventsAsync(client, $"/runs/{ConsoleSite.RunId}/events?after=0");

        foreach (var (page, text) in pages)
        {
            Assert.DoesNotContain("<img", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onerror=alert(4)\"", text);
        }
        // The values are there, as text: the run page shows who started it, the note and the notification.
        var run = pages[$"/runs/{ConsoleSite.RunId}"];
        foreach (var n in new[] { 2, 3, 4, 5 })
            Assert.Contains($"&lt;img src=x onerror=alert({n})&gt;&#96;${{{n}}}&#96;&quot;q&#39;{n}", run);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", pages["/"]);
        Assert.Contains("\\u003Cimg src=x onerror=alert(4)\\u003E", pages["events"]);
    }

    [Fact]
    public async Task A_record_appended_to_the_journal_arrives_on_the_open_event_stream()
    {
        using var site = new ConsoleSite();
        // On Kestrel (as serve runs it) on a free loopback port: the in-memory test server does not hand a streamed
        // body to the client until the response ends.
        await using var server = await KestrelConsole.StartAsync(site.Options());
        var client = await server.SignedInAsync(site.ViewerToken);
        var last = site.Writer.Append("notified", j => { j.WriteString("flow", ""); j.WriteString("state", ConsoleSite.Address); j.WriteString("message", "paged the DBA"); });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync($"/runs/{ConsoleSite.RunId}/events?after={last}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        // Written after the stream opened, from "another process" (the journal file, as a runner appends to it).
        var seq = site.Notify("replica promoted: <b>db-2</b>");
        var lines = new List<string>();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("replica promoted", StringComparison.Ordinal)) break;
        }
        var data = lines[^1];
        lines.Add(await reader.ReadLineAsync(timeout.Token) ?? ""); // the event's id follows its data
        Assert.Contains($"\"seq\":{seq}", data);
        Assert.Contains("\\u003Cb\\u003Edb-2\\u003C/b\\u003E", data);
        Assert.Contains($"id: {seq}", lines);
        Assert.Contains("event: record", lines);
        // Only records after the page's own: the one before the stream opened is not sent again.
        Assert.DoesNotContain(lines, l => l.Contains("paged the DBA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_declared_secret_is_in_no_page_report_or_event_of_a_real_run()
    {
        const string secret = "s3cr3t-web-4b1e";
        using var work = new RunWorkspace("secret-leak");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = secret;
        var result = work.Run("secret-leak");
        Assert.True(result.Exit == 1, result.ToString());
        var id = RunWorkspace.RunIdOf(result);
        using var site = new ConsoleSite();
        var options = site.Options();
        await using var factory = new ConsoleFactory(new Playbook.Web.WebConsoleOptions
        {
            JournalDirectory = work.JournalDirectory, Users = options.Users, PlaybooksDirectory = work.Directory, Answers = site.Inbox,
        });
        var client = await factory.SignedInAsync(site.ViewerToken);

        var texts = new List<string>();
        foreach (var page in new[] { "/", $"/runs/{id}", $"/runs/{id}/report", "/playbooks" })
            texts.Add(await client.GetStringAsync(page));
        texts.Add(await ReadAllEventsAsync(client, $"/runs/{id}/events?after=0"));

        foreach (var text in texts) Assert.DoesNotContain(secret, text);
        // The places the secret went through are on the pages, masked: the check above looked at them.
        Assert.Contains("rejected token ***", texts[1]);
        Assert.Contains("deploying with ***", texts[4]);
    }

    /// <summary>The whole stream of a run that has ended (it ends with an <c>end</c> event; the timeout fails a stream that does not).</summary>
    private static async Task<string> ReadAllEventsAsync(HttpClient client, string url)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            text.AppendLine(line);
            if (line.Length == 0 && text.ToString().Contains("event: end", StringComparison.Ordinal)) break;
        }
        return text.ToString();
    }
}
