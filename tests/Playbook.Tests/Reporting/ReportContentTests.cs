using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Playbook.Reporting;
using Playbook.Tests.Cli;
using Playbook.Tests.RealRuns;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.Reporting;

/// <summary>What a report says about real runs: the truth about the RTO for every end, branches that ran at
/// the same time drawn at the same time, each attempt's evidence (the last 20 lines of output, redacted), the
/// postmortem's shape and a JSON report that matches its schema.</summary>
public sealed partial class ReportContentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pb-report-content-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("success", "within it")]
    [InlineData("failure", "**not met: the run ended in failure before the RTO ran out**")]
    [InlineData("aborted", "**not met: the run aborted before the RTO ran out**")]
    public void The_rto_verdict_states_the_truth_for_every_end(string status, string verdict)
    {
        // Ended after 5.3 s against an RTO of 5m: fast, but only a success met it.
        var run = CraftedJournal.Write(_directory, n => "v" + n.ToString(CultureInfo.InvariantCulture), status);

        var md = RunReport.Render(run, "md", null, out var problem);
        var html = RunReport.Render(run, "html", null, out _);

        Assert.Null(problem);
        Assert.Contains($"| time | 5s300ms against an RTO of 5m: {verdict} |", md);
        if (status != "success")
        {
            Assert.DoesNotContain("within it", md);
            Assert.DoesNotContain("within it", html);
        }
        // A journal written before runs journaled their user still reports, without a "started by".
        Assert.DoesNotContain("Started by", md);
        Assert.Contains("| started | 2026-11-23 03:12:45.000Z |", md);
        Assert.Contains("| ended | 2026-11-23 03:12:50.300Z |", md);
    }

    [Fact]
    public void Parallel_branches_are_drawn_in_their_own_lanes_at_the_same_time()
    {
        using var work = new RunWorkspace("parallel-sleep");
        var run = work.Run("parallel-sleep");
        Assert.True(run.Exit == 0, run.ToString());
        var id = RunIdOf(run);

        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html");
        var md = work.Cli("report", id, "--journal", JournalDir);

        Assert.True(html.Exit == 0, html.ToString());
        var bars = BarRegex().Matches(html.Out).ToDictionary(m => m.Groups["state"].Value,
            m => (X: double.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture), Y: double.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture),
                W: double.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture)));
        var (left, right) = (bars["left-sleep"], bars["right-sleep"]);
        Assert.NotEqual(left.Y, right.Y);
        // Each slept a second at the same time: their bars overlap on the time axis.
        Assert.True(left.X < right.X + right.W && right.X < left.X + left.W, $"left {left}, right {right}");
        Assert.True(md.Exit == 0, md.ToString());
        Assert.Contains("```mermaid\ngantt\n", md.Out);
        Assert.Matches(@"section left\n  left-sleep attempt 1 ok :done, t\d+, \d+, \d+\n", md.Out);
        Assert.Matches(@"section right\n  right-sleep attempt 1 ok :done, t\d+, \d+, \d+\n", md.Out);
        Assert.DoesNotContain("flowchart", md.Out);
        // The path too: the main flow, then each branch's states beside the other's, never one sequence.
        Assert.Contains("## Path\n\nboth → done\n\nAt the same time, in the branches and foreach items:\n\n", md.Out);
        Assert.Contains("\n- left: left-sleep\n", md.Out);
        Assert.Contains("\n- right: right-sleep", md.Out);
        Assert.Contains("<p>both → done</p>", html.Out);
        Assert.Contains("<li>left: left-sleep</li>", html.Out);
        Assert.Contains("<li>right: right-sleep</li>", html.Out);
        foreach (var text in new[] { md.Out, html.Out })
        {
            Assert.DoesNotContain("left-sleep → right-sleep", text);
            Assert.DoesNotContain("right-sleep → left-sleep", text);
        }
    }

    [Fact]
    public void Each_foreach_item_has_its_own_lane_with_its_retries_and_the_pauses_between_them()
    {
        using var work = new RunWorkspace("foreach-report");
        work.Environment["PLAYBOOK_SECRET_TOKEN"] = "tok-foreach-lanes";
        var run = work.Run("foreach-report", "--input", "ids=a,slow,bad");
        Assert.True(run.Exit == 1, run.ToString());
        var id = RunIdOf(run);

        var md = work.Cli("report", id, "--journal", JournalDir);
        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html");

        Assert.True(md.Exit == 0, md.ToString());
        // One section per item; 'slow' fails once, 'bad' three times, each retry after a visible pause.
        Assert.Matches(@"section move-each\[1\]\n  move attempt 1 ok :done, t\d+, \d+, \d+\n  section move-each\[2\]\n", md.Out);
        Assert.Matches(@"section move-each\[2\]\n  move attempt 1 fail :crit, t\d+, \d+, \d+\n  move wait before attempt 2 :t\d+, \d+, \d+\n  move attempt 2 ok :done, ", md.Out);
        Assert.Matches(@"section move-each\[3\]\n  move attempt 1 fail [^\n]+\n  move wait before attempt 2 [^\n]+\n  move attempt 2 fail [^\n]+\n  move wait before attempt 3 [^\n]+\n  move attempt 3 fail ", md.Out);
        Assert.Contains("## Path\n\nmove-each → escalate\n", md.Out);
        Assert.True(html.Exit == 0, html.ToString());
        // The SVG: a lane label per item, and the pauses as hatched bars.
        foreach (var lane in new[] { "main", "move-each[1]", "move-each[2]", "move-each[3]" })
            Assert.Contains($">{lane}</text>", html.Out);
        Assert.Equal(3, Regex.Matches(html.Out, @"<rect class=""backoff"" [^>]*><title>move waited before attempt \d").Count);
    }

    [Fact]
    public void Each_attempt_shows_the_last_20_lines_of_its_output_redacted_with_its_exit_code_and_command()
    {
        const string secret = "tok-3e9f-secret";
        using var work = new RunWorkspace("report-output");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = secret;
        var run = work.Run("report-output");
        Assert.True(run.Exit == 1, run.ToString());
        var id = RunIdOf(run);

        var md = work.Cli("report", id, "--journal", JournalDir);
        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html");

        Assert.True(md.Exit == 0, md.ToString());
        Assert.Contains("### `noisy`: Print a lot, then fail", md.Out);
        Assert.Matches(@"\| 1 \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z \| \+[^|]+ \| [^|]+ \| fail \| 2 \|  \| exit code 2: auth with \\\*\\\*\\\* refused \|", md.Out);
        Assert.Contains("Attempt 1: `for i in $(seq 1 30); do echo \"line $i\"; done;", md.Out);
        Assert.Contains("(output shown: the last 20 lines)", md.Out);
        var stdout = Regex.Match(md.Out, "stdout:\n\n```text\n(.*?)\n```", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(string.Join('\n', Enumerable.Range(11, 20).Select(i => $"line {i}")), stdout);
        Assert.Contains("stderr:\n\n```text\nauth with *** refused\n```", md.Out);
        Assert.Contains("| status | **failure** at `failed`: The noisy step failed |", md.Out);
        Assert.True(html.Exit == 0, html.ToString());
        Assert.Contains("<details><summary>stdout of attempt 1 (the last 20 lines)</summary><pre>line 11\nline 12\n", html.Out);
        Assert.DoesNotContain("line 10\n", html.Out);
        Assert.Contains("<pre>auth with *** refused</pre>", html.Out);
        foreach (var text in new[] { md.Out, html.Out }) Assert.DoesNotContain(secret, text);
    }

    [Fact]
    public void The_postmortem_and_json_formats_of_a_run_that_failed_after_its_retries()
    {
        using var work = new RunWorkspace("report-retries");
        var run = work.Run("report-retries");
        Assert.True(run.Exit == 1, run.ToString());
        var id = RunIdOf(run);

        var postmortem = work.Cli("report", id, "--journal", JournalDir, "--format", "postmortem");
        var json = work.Cli("report", id, "--journal", JournalDir, "--format", "json");

        Assert.True(postmortem.Exit == 0, postmortem.ToString());
        var headings = Regex.Matches(postmortem.Out, "^## (.*)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["Summary", "Impact window", "Timeline (UTC)", "What the playbook did", "What people did", "Follow-ups"], headings);
        Assert.Contains("ended in **failure** at `escalate`: Page the database on-call.", postmortem.Out);
        Assert.Contains("The RTO was 1m: **not met: the run ended in failure before the RTO ran out**.", postmortem.Out);
        Assert.Contains("- [ ] Find out why `restart` ended **fail** after 3 attempts: exit code 4: error: db-1 did not come back", postmortem.Out);
        Assert.Matches(@"\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z \| \+[^|]+ \| `restart` attempt 2: fail after \w+: exit code 4: error: db-1 did not come back \|", postmortem.Out);

        Assert.True(json.Exit == 0, json.ToString());
        OutputSchemas.AssertValid("report.schema.json", json.Out);
        var root = JsonDocument.Parse(json.Out).RootElement;
        var attempts = root.GetProperty("steps")[0].GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([4, 4, 4], attempts.Select(a => a.GetProperty("exit_code").GetInt32()));
        Assert.All(attempts, a => Assert.Equal("error: db-1 did not come back", a.GetProperty("stderr").GetString()));
        Assert.False(root.GetProperty("within_rto").GetBoolean());
        // The plan, from the playbook's hints: a worst case to the end reached and a simulated P50 and P90.
        var plan = root.GetProperty("plan");
        Assert.True(plan.GetProperty("available").GetBoolean());
        Assert.True(plan.GetProperty("worst_case_ms").GetInt64() > 0);
        Assert.True(plan.GetProperty("p50_ms").GetInt64() <= plan.GetProperty("p90_ms").GetInt64());
        Assert.Equal(ReportPlan.SimulatedRuns, plan.GetProperty("runs").GetInt32());
    }

    [Fact]
    public void The_end_message_shows_with_its_holes_filled_and_redacted_in_every_format()
    {
        const string secret = "tok-77c1-end-secret";
        using var work = new RunWorkspace("report-end-message");
        work.Environment["PLAYBOOK_SECRET_API_TOKEN"] = secret;
        var run = work.Run("report-end-message", "--input", "target=web-1");
        Assert.True(run.Exit == 0, run.ToString());
        var id = RunIdOf(run);
        var ended = Records(work.JournalPath(id)).Single(r => Type(r) == "run-ended");
        Assert.Equal("Restored web-1 (it was degraded <b>) with token ***", Str(ended, "message"));

        var reports = new[] { "md", "html", "postmortem", "json" }.ToDictionary(f => f, f => work.Cli("report", id, "--journal", JournalDir, "--format", f));

        foreach (var (format, report) in reports)
        {
            Assert.True(report.Exit == 0, $"{format}: {report}");
            Assert.DoesNotContain(secret, report.Out);
            // The HTML's drawing of the playbook shows the messages as written; the run's part shows them filled.
            var runPart = format == "html" ? report.Out[..report.Out.IndexOf("<h2>The playbook</h2>", StringComparison.Ordinal)] : report.Out;
            Assert.DoesNotContain("${", runPart);
        }
        Assert.Contains("| status | **success** at `done`: Restored web-1 (it was degraded \\<b\\>) with token \\*\\*\\* |", reports["md"].Out);
        Assert.Contains("ended in **success** at `done`: Restored web-1 (it was degraded \\<b\\>) with token \\*\\*\\*.", reports["postmortem"].Out);
        Assert.Contains("<code>done</code>: Restored web-1 (it was degraded &lt;b&gt;) with token ***</td>", reports["html"].Out);
        OutputSchemas.AssertValid("report.schema.json", reports["json"].Out);
        Assert.Equal("Restored web-1 (it was degraded <b>) with token ***",
            JsonDocument.Parse(reports["json"].Out).RootElement.GetProperty("end_message").GetString());
    }

    [Fact]
    public void A_report_of_a_changed_playbook_says_why_it_shows_no_plan_and_titles()
    {
        using var work = new RunWorkspace("report-retries");
        var id = RunIdOf(work.Run("report-retries"));
        File.AppendAllText(work.PathOf("report-retries.playbook"), "\n# changed after the run\n");

        var md = work.Cli("report", id, "--journal", JournalDir);

        Assert.True(md.Exit == 0, md.ToString());
        Assert.Contains("Not shown: the playbook ", md.Out);
        Assert.Contains(" has changed since the run.", md.Out);
        Assert.Contains("### `restart`\n", md.Out);
    }

    [Fact]
    public void An_output_tail_keeps_at_most_20_lines_and_4000_characters_and_never_half_a_character()
    {
        var (lines, cutLines) = StepEvidence.Tail(string.Join('\n', Enumerable.Range(1, 25).Select(i => "l" + i)) + "\n");
        Assert.True(cutLines);
        Assert.Equal(string.Join('\n', Enumerable.Range(6, 20).Select(i => "l" + i)), lines);

        // One line of a megabyte of emoji (two chars each): the end is kept, cut at a whole character.
        var (wide, cutWide) = StepEvidence.Tail(string.Concat(Enumerable.Repeat("😀", 500_000)) + "x");
        Assert.True(cutWide);
        Assert.True(wide.Length <= StepEvidence.TailChars, wide.Length.ToString(CultureInfo.InvariantCulture));
        Assert.False(char.IsLowSurrogate(wide[0]));
        Assert.EndsWith("😀x", wide);

        Assert.Equal(("short\nlines", false), StepEvidence.Tail("short\nlines\n"));
        Assert.Equal(("", false), StepEvidence.Tail(null));
    }

    [GeneratedRegex(@"<rect class=""attempt"" x=""(?<x>[\d.]+)"" y=""(?<y>[\d.]+)"" width=""(?<w>[\d.]+)""[^>]*><title>(?<state>[^ ]+) ")]
    private static partial Regex BarRegex();
}
