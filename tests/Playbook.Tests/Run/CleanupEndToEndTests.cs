using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>A real run's cleanup when the run is stopped: SIGTERM (as Ctrl+C) ends the run and runs the cleanup,
/// a second one stops it; SIGKILL anywhere around the cleanup, then <c>playbook resume</c>. with-cleanup.playbook
/// appends to ledger.txt in the main flow and to cleanup.txt in the cleanup, so each file says what really ran.</summary>
public class CleanupEndToEndTests
{
    private const string Playbook = "with-cleanup";

    private static void WaitForCleanupLine(RunWorkspace work, string line) => WaitForLine(work, "cleanup.txt", line);

    /// <summary>A step's process-started record is journaled before its shell runs a line, so a signal sent on
    /// that record alone may stop the shell before it wrote anything; wait for what it writes.</summary>
    private static void WaitForLine(RunWorkspace work, string file, string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(work.Exists(file) && work.Read(file).Split('\n').Contains(line)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no '{line}' in {file}");
            Thread.Sleep(10);
        }
    }

    private static bool Started(System.Text.Json.JsonElement r, string flow, string state) =>
        Type(r) == "process-started" && Str(r, "flow") == flow && Str(r, "state") == state;

    [Fact]
    public void A_stop_signal_ends_the_run_interrupted_runs_the_cleanup_and_leaves_nothing_to_resume()
    {
        using var work = new RunWorkspace(Playbook);
        File.WriteAllText(work.PathOf("release"), "");
        CliProcess.Result stopped;
        using (var running = work.Start(Playbook))
        {
            WaitForRecord(work.SingleJournal, r => Started(r, "", "work"), running);
            WaitForLine(work, "ledger.txt", "work");
            Terminate(running.Pid);
            stopped = running.Finish(TimeSpan.FromSeconds(60));
        }
        var id = RunIdOf(stopped);

        Assert.True(stopped.Exit == 130, stopped.ToString());
        Assert.Equal($"tidy interrupted aborted {id}\nlinger\n", work.Read("cleanup.txt"));
        Assert.Contains("cleanup: ok", stopped.Out);
        Assert.Contains($"run {id} was interrupted; its cleanup ran and ended 'ok'; the run is over", stopped.Err);
        var last = Records(work.JournalPath(id))[^1];
        Assert.Equal("run-ended", Type(last));
        Assert.Equal("aborted", Str(last, "status"));
        Assert.Equal("ok", Str(last, "cleanup"));

        var resumed = work.Resume();
        Assert.True(resumed.Exit == 2, resumed.ToString());
        Assert.Contains("has ended; nothing to resume", resumed.Err);
        Assert.Equal("work\n", work.Read("ledger.txt"));
    }

    [Fact]
    public void A_second_stop_signal_stops_the_cleanup_which_ends_interrupted()
    {
        using var work = new RunWorkspace(Playbook);
        CliProcess.Result stopped;
        using (var running = work.Start(Playbook))
        {
            WaitForRecord(work.SingleJournal, r => Started(r, "", "work"), running);
            WaitForLine(work, "ledger.txt", "work");
            Terminate(running.Pid);
            WaitForRecord(work.SingleJournal, r => Started(r, "@cleanup", "linger"), running);
            WaitForCleanupLine(work, "linger");
            Terminate(running.Pid);
            stopped = running.Finish(TimeSpan.FromSeconds(60));
        }
        var id = RunIdOf(stopped);

        Assert.True(stopped.Exit == 130, stopped.ToString());
        Assert.Contains("cleanup: interrupted — the cleanup was interrupted by a second stop signal", stopped.Out);
        Assert.Contains("its cleanup ran and ended 'interrupted'", stopped.Err);
        var records = Records(work.JournalPath(id));
        Assert.Equal("interrupted", Str(records.Single(r => Type(r) == "cleanup-ended"), "outcome"));
        Assert.Equal("interrupted", Str(records[^1], "cleanup"));
        var report = work.Cli("report", id, "--journal", JournalDir);
        Assert.True(report.Exit == 0, report.ToString());
        Assert.Contains("## Cleanup\n\n**interrupted**: the cleanup was interrupted by a second stop signal", report.Out);
        // The stopped cleanup step's process was stopped with it.
        Assert.All(ProcessGroupsOf(work.JournalPath(id)), g => Assert.False(global::Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(g), $"process group {g} still runs"));
    }

    [Fact]
    public void A_stop_signal_during_the_cleanup_of_an_ended_run_stops_the_cleanup_and_keeps_the_runs_exit_code()
    {
        using var work = new RunWorkspace(Playbook);
        File.WriteAllText(work.PathOf("go"), "");
        CliProcess.Result stopped;
        using (var running = work.Start(Playbook))
        {
            WaitForRecord(work.SingleJournal, r => Started(r, "@cleanup", "linger"), running);
            WaitForCleanupLine(work, "linger");
            Terminate(running.Pid);
            stopped = running.Finish(TimeSpan.FromSeconds(60));
        }

        Assert.True(stopped.Exit == 0, stopped.ToString());
        Assert.Contains("ended at 'done' (success)", stopped.Out);
        Assert.Contains("cleanup: interrupted — the cleanup was interrupted by a stop signal", stopped.Out);
        Assert.Equal("interrupted", Str(Records(work.JournalPath(RunIdOf(stopped)))[^1], "cleanup"));
    }

    [Fact]
    public void Killed_during_a_cleanup_step_resume_continues_inside_the_cleanup()
    {
        using var work = new RunWorkspace(Playbook);
        File.WriteAllText(work.PathOf("go"), "");
        using (var running = work.Start(Playbook))
        {
            WaitForRecord(work.SingleJournal, r => Started(r, "@cleanup", "linger"), running);
            WaitForCleanupLine(work, "linger");
            running.Kill();
            running.Finish();
        }
        try
        {
            Assert.DoesNotContain(Records(work.SingleJournal()!), r => Type(r) is "run-ended" or "cleanup-ended");

            // linger is not idempotent and its process still runs: the usual rule asks; let it finish.
            var asked = work.Resume();
            Assert.True(asked.Exit == 2, asked.ToString());
            Assert.Contains("step 'linger' (in @cleanup) is still running", asked.Err);
            File.WriteAllText(work.PathOf("release"), "");
            var resumed = work.Resume("--answer", "linger=wait");

            Assert.True(resumed.Exit == 0, resumed.ToString());
            Assert.Contains("ended at 'done' (success)", resumed.Out);
            Assert.Contains("cleanup: ok", resumed.Out);
            // Neither the main flow nor the finished cleanup step ran again.
            Assert.Equal("work\n", work.Read("ledger.txt"));
            Assert.Matches(@"^tidy done success \S+\nlinger\n$", work.Read("cleanup.txt"));
            Assert.Equal("ok", Str(Records(work.SingleJournal()!)[^1], "cleanup"));
        }
        finally
        {
            work.StopLeftovers();
        }
    }

    [Fact]
    public void The_report_has_a_cleanup_section_and_keeps_the_runs_status()
    {
        using var work = new RunWorkspace(Playbook);
        File.WriteAllText(work.PathOf("go"), "");
        File.WriteAllText(work.PathOf("release"), "");
        var id = RunIdOf(work.Run(Playbook));

        var md = work.Cli("report", id, "--journal", JournalDir);
        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html");

        Assert.True(md.Exit == 0, md.ToString());
        Assert.Contains("| status | **success** at `done` |", md.Out);
        Assert.Contains("## Cleanup\n\n**ok** (the run's status is its main flow's)\n\ntidy → linger\n", md.Out);
        Assert.True(html.Exit == 0, html.ToString());
        Assert.Contains("<h2>Cleanup</h2>\n<p><strong>ok</strong> (the run's status is its main flow's)</p>\n<p>tidy → linger</p>", html.Out);
    }

    /// <summary>A completed run cut back to just after <paramref name="type"/> (matching <paramref name="match"/>):
    /// the journal a crash at that moment leaves.</summary>
    private static string CutAfter(RunWorkspace work, string type, string field, string value)
    {
        File.WriteAllText(work.PathOf("go"), "");
        File.WriteAllText(work.PathOf("release"), "");
        var result = work.Run(Playbook);
        Assert.True(result.Exit == 0, result.ToString());
        var id = RunIdOf(result);
        var path = work.JournalPath(id);
        var lines = File.ReadAllLines(path);
        var keep = Array.FindIndex(lines, l => l.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal) && l.Contains($"\"{field}\":\"{value}\"", StringComparison.Ordinal));
        Assert.True(keep > 0, string.Join('\n', lines));
        File.WriteAllText(path, string.Join("", lines.Take(keep + 1).Select(l => l + "\n")));
        File.Delete(work.PathOf("cleanup.txt"));
        return id;
    }

    [Fact]
    public void Killed_after_the_end_before_the_cleanup_started_resume_runs_the_cleanup()
    {
        using var work = new RunWorkspace(Playbook);
        var id = CutAfter(work, "state-entered", "state", "done");

        var resumed = work.Resume();

        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.Equal("work\n", work.Read("ledger.txt"));
        Assert.Equal($"tidy done success {id}\nlinger\n", work.Read("cleanup.txt"));
        var records = Records(work.JournalPath(id));
        Assert.Single(records, r => Type(r) == "cleanup-started");
        Assert.Equal("ok", Str(records[^1], "cleanup"));
    }

    [Fact]
    public void A_finished_cleanup_never_runs_again()
    {
        using var work = new RunWorkspace(Playbook);
        var id = CutAfter(work, "cleanup-ended", "outcome", "ok");

        var resumed = work.Resume();

        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.False(work.Exists("cleanup.txt"), "the cleanup ran again");
        Assert.Equal("work\n", work.Read("ledger.txt"));
        var records = Records(work.JournalPath(id));
        Assert.Equal("run-ended", Type(records[^1]));
        Assert.Equal("ok", Str(records[^1], "cleanup"));
    }
}
