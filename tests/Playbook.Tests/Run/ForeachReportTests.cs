using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>A report of a real run with a foreach: one table per foreach, a row per item (its value redacted,
/// outcome, attempts, duration, captures and why it failed), and the foreach's note naming the failed items.</summary>
public sealed class ForeachReportTests
{
    private const string Secret = "s3cr3t-value";

    private static (RunWorkspace Work, string RunId) RunWithAFailingItem()
    {
        var work = new RunWorkspace("foreach-report");
        work.Environment["PLAYBOOK_SECRET_TOKEN"] = Secret;
        var result = work.Run("foreach-report", "--input", $"ids=a,slow,bad,{Secret},c");
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("1 of 5 items failed: bad", result.Out);
        return (work, RunWorkspace.RunIdOf(result));
    }

    [Fact]
    public void The_markdown_report_has_a_row_per_item_and_names_the_failed_one()
    {
        var (work, id) = RunWithAFailingItem();
        using var _ = work;

        var report = work.Cli("report", id, "--journal", RunWorkspace.JournalDir);

        Assert.True(report.Exit == 0, report.ToString());
        var md = report.Out;
        Assert.Contains("## Foreach move-each: fail\n\n1 of 5 items failed: bad\n", md);
        Assert.Contains("| # | item | outcome | attempts | duration | captures | note |", md);
        Assert.Matches(@"\| 1 \| `a` \| ok \| 1 \| [0-9dhms]+ \| answer = `moved-a` \|  \|", md);
        // 'slow' failed once and then moved: two attempts, ok.
        Assert.Matches(@"\| 2 \| `slow` \| ok \| 2 \| [0-9dhms]+ \| answer = `moved-slow` \|  \|", md);
        Assert.Matches(@"\| 3 \| `bad` \| \*\*fail\*\* \| 3 \| [0-9dhms]+ \| answer = ` ` \| exit code 3: cannot move bad \|", md);
        // The item that is the secret's value is shown, captured and noted only as ***.
        Assert.Matches(@"\| 4 \| `\*\*\*` \| ok \| 1 \| [0-9dhms]+ \| answer = `moved-\*\*\*` \|", md);
        Assert.Matches(@"\| 5 \| `c` \| ok \| 1 \|", md);
        Assert.DoesNotContain(Secret, md);
    }

    [Fact]
    public void The_html_report_has_a_row_per_item_and_names_the_failed_one()
    {
        var (work, id) = RunWithAFailingItem();
        using var _ = work;

        var report = work.Cli("report", id, "--journal", RunWorkspace.JournalDir, "--format", "html");

        Assert.True(report.Exit == 0, report.ToString());
        var html = report.Out;
        Assert.Contains("<h2>Foreach move-each: <span class=\"fail\">fail</span></h2>\n<p>1 of 5 items failed: bad</p>", html);
        Assert.Matches(@"<tr><td>3</td><td><code>bad</code></td><td class=""fail"">fail</td><td>3</td><td>[0-9dhms]+</td><td>answer = <code></code></td><td>exit code 3: cannot move bad</td></tr>", html);
        Assert.Matches(@"<tr><td>2</td><td><code>slow</code></td><td class=""ok"">ok</td><td>2</td>", html);
        Assert.Matches(@"<tr><td>4</td><td><code>\*\*\*</code></td><td class=""ok"">ok</td><td>1</td><td>[0-9dhms]+</td><td>answer = <code>moved-\*\*\*</code></td>", html);
        Assert.DoesNotContain(Secret, html);
    }

    /// <summary>A report of a run killed inside the foreach shows the items done, the one in flight as unfinished,
    /// and after the resume every item with its outcome.</summary>
    [Fact]
    public void A_run_stopped_inside_the_foreach_reports_the_item_in_flight_as_unfinished()
    {
        using var work = new RunWorkspace("foreach-touch");
        using (var running = work.Start("foreach-touch"))
        {
            RunWorkspace.WaitForRecord(work.SingleJournal, r => RunWorkspace.Type(r) == "item-started" && r.GetProperty("index").GetInt32() == 2, running);
            running.Kill();
            running.Finish();
        }
        var id = Path.GetFileNameWithoutExtension(work.SingleJournal()!);

        var stopped = work.Cli("report", id, "--journal", RunWorkspace.JournalDir);

        Assert.True(stopped.Exit == 0, stopped.ToString());
        Assert.Contains("## Foreach touch-each: unfinished\n\n2 of 3 items started\n", stopped.Out);
        Assert.Matches(@"\| 1 \| `a` \| ok \| 1 \|", stopped.Out);
        Assert.Matches(@"\| 2 \| `b` \| \*\*unfinished\*\* \| 0 \|", stopped.Out);

        var resumed = work.Resume("--answer", "touch=kill", "--answer", "touch=skip");
        Assert.True(resumed.Exit == 0, resumed.ToString());
        var done = work.Cli("report", id, "--journal", RunWorkspace.JournalDir);
        Assert.Contains("## Foreach touch-each: ok\n\n3 of 3 items ok\n", done.Out);
        Assert.Matches(@"\| 2 \| `b` \| ok \|", done.Out);
        Assert.Matches(@"\| 3 \| `c` \| ok \| 1 \|", done.Out);
    }
}
