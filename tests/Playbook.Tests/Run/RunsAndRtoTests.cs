using System.Text.Json;
using System.Text.Json.Nodes;
using Playbook.Tests.Resume;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>What <c>runs</c>, the reports and <c>resume</c> say about runs that did not go well: the real time
/// of a run stopped by SIGTERM, a failure that is not "within the RTO", a journal with a wrong-typed field
/// that does not hide the other runs, and a crafted attempt number that must not re-run a step.</summary>
public class RunsAndRtoTests
{
    private static string RunsLine(RunWorkspace work, string id) =>
        work.Cli("runs", "--journal", JournalDir).Out.Split('\n').Single(l => l.StartsWith(id, StringComparison.Ordinal));

    [Fact]
    public void A_run_stopped_by_SIGTERM_shows_the_time_it_really_ran()
    {
        using var work = new RunWorkspace("resumable-idempotent");
        CliProcess.Result stopped;
        using (var running = work.Start("resumable-idempotent"))
        {
            WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == "second", running);
            Thread.Sleep(1500);
            Terminate(running.Pid);
            stopped = running.Finish(TimeSpan.FromSeconds(30));
        }
        Assert.True(stopped.Exit == 130, stopped.ToString());
        var id = RunIdOf(stopped);

        var line = RunsLine(work, id);
        Assert.Contains("interrupted", line);
        Assert.DoesNotContain(" 0s", line);
        var json = JsonDocument.Parse(work.Cli("runs", "--journal", JournalDir, "--format", "json").Out).RootElement;
        var elapsed = json.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("run").GetString() == id).GetProperty("elapsed_ms").GetInt64();
        Assert.InRange(elapsed, 1500, 60_000);
    }

    [Fact]
    public void A_failed_run_is_not_within_its_RTO_in_reports_or_runs()
    {
        using var work = new RunWorkspace("fails-with-rto");

        var result = work.Run("fails-with-rto", "--report", "failed.md");

        Assert.True(result.Exit == 1, result.ToString());
        var id = RunIdOf(result);
        var md = work.Read("failed.md");
        Assert.DoesNotContain("within it", md);
        Assert.Contains("against an RTO of 5m: **not met: the run ended in failure before the RTO ran out**", md);
        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html");
        Assert.True(html.Exit == 0, html.ToString());
        Assert.DoesNotContain("within it", html.Out);
        Assert.Contains("<strong>not met: the run ended in failure before the RTO ran out</strong>", html.Out);
        Assert.Contains("not met (failure)", RunsLine(work, id));
        var json = JsonDocument.Parse(work.Cli("runs", "--journal", JournalDir, "--format", "json").Out).RootElement;
        Assert.False(json.GetProperty("runs").EnumerateArray().Single().GetProperty("rto_met").GetBoolean());
    }

    [Fact]
    public void One_journal_with_a_wrong_typed_field_is_named_and_the_others_are_listed()
    {
        using var work = new RunWorkspace("aborts");
        var good = RunIdOf(work.Run("aborts"));
        var bad = RunIdOf(work.Run("aborts"));
        // An input that is a number, not the text the runner writes: it used to make 'runs' exit 70.
        JournalEdits.Rewrite(work.JournalPath(bad), r =>
        {
            if (JournalEdits.Type(r) == "run-started") r["inputs"] = new JsonObject { ["port"] = 6379 };
            return r;
        });

        var listed = work.Cli("runs", "--journal", JournalDir);

        Assert.True(listed.Exit == 0, listed.ToString());
        Assert.Contains(listed.Out.Split('\n'), l => l.StartsWith(good, StringComparison.Ordinal) && l.Contains("aborted", StringComparison.Ordinal));
        Assert.Contains(listed.Out.Split('\n'), l => l.StartsWith(bad, StringComparison.Ordinal) && l.Contains("unreadable", StringComparison.Ordinal));
        Assert.Contains($"{Path.Combine(JournalDir, bad)}.journal:1: 'run-started': field 'inputs' has 'port': 6379, which is not a string", listed.Err);

        var json = work.Cli("runs", "--journal", JournalDir, "--format", "json");
        Assert.True(json.Exit == 0, json.ToString());
        // By id, not by place: two runs started in the same second are listed in the order of their ids' random suffixes.
        var runs = JsonDocument.Parse(json.Out).RootElement.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("run").GetString()!);
        Assert.Equal(2, runs.Count);
        Assert.Equal("aborted", runs[good].GetProperty("status").GetString());
        Assert.Equal("unreadable", runs[bad].GetProperty("status").GetString());
        Assert.Contains("which is not a string", runs[bad].GetProperty("problem").GetString());

        // For CI: --strict makes an unreadable journal a failure.
        var strict = work.Cli("runs", "--journal", JournalDir, "--strict");
        Assert.True(strict.Exit == 1, strict.ToString());
        Assert.Contains(good, strict.Out);

        var report = work.Cli("report", bad, "--journal", JournalDir);
        Assert.True(report.Exit == 2, report.ToString());
        Assert.Contains("which is not a string", report.Err);
    }

    [Fact]
    public void A_crafted_attempt_of_minus_one_does_not_rerun_a_non_idempotent_step()
    {
        using var work = new RunWorkspace("resumable");
        using (var running = work.Start("resumable"))
        {
            WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == "second", running);
            // process-started is journaled before the shell writes its line: wait for the line itself.
            WaitForLedgerLine(work, "second");
            running.Kill();
            running.Finish();
        }
        var journal = work.SingleJournal()!;
        // Without a started attempt the step did not look in flight, so resume ran it again without asking.
        JournalEdits.Rewrite(journal, r =>
        {
            if (JournalEdits.Str(r, "state") == "second" && JournalEdits.Type(r) is "attempt-started" or "process-started") r["attempt"] = -1;
            return r;
        });
        var line = File.ReadAllLines(journal).ToList().FindIndex(l => l.Contains("\"attempt-started\"", StringComparison.Ordinal) && l.Contains("\"second\"", StringComparison.Ordinal)) + 1;
        File.WriteAllText(work.PathOf("go"), "");

        var refused = work.Resume();

        Assert.True(refused.Exit == 2, refused.ToString());
        Assert.Contains($"{Path.GetFileName(journal)}:{line}: 'attempt-started': field 'attempt' is -1: it must be a whole number from 1", refused.Err);
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
    }
}
