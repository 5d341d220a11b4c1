using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>A real run whose phase budget runs out while foreach items are in flight: their processes are stopped
/// at the deadline, each is journaled as cut off (item-ended <c>cancelled</c>), no further item starts, and the run
/// takes the phase's <c>on timeout</c>. A resume after that never runs a cut-off item again.</summary>
public sealed class ForeachDeadlineRunTests
{
    [Fact]
    public void The_deadline_stops_the_items_in_flight_journals_them_cut_off_and_takes_the_phase_timeout()
    {
        using var work = new RunWorkspace("foreach-deadline");
        var started = DateTime.UtcNow;
        var result = work.Run("foreach-deadline");
        // The steps sleep two minutes: the run ends long before, at its 5 s budget.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(100), result.ToString());
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("ended at 'late'", result.Out);

        var records = work.Records(result);
        // Two items were in flight (parallel 2) and were cut off; the other three never started.
        Assert.Equal([1, 2], records.Where(r => RunWorkspace.Type(r) == "item-started").Select(r => r.GetProperty("index").GetInt32()).Order());
        var ended = records.Where(r => RunWorkspace.Type(r) == "item-ended").ToList();
        Assert.Equal(["cancelled", "cancelled"], ended.Select(r => RunWorkspace.Str(r, "outcome")));
        // Each item's step was stopped at the deadline, as a timeout stops it, and says so.
        Assert.Equal(["deadline", "deadline"], records.Where(r => RunWorkspace.Type(r) == "attempt-ended" && RunWorkspace.Str(r, "state") == "write")
            .Select(r => RunWorkspace.Str(r, "outcome")));
        var loop = records.Single(r => RunWorkspace.Type(r) == "attempt-ended" && RunWorkspace.Str(r, "state") == "write-each");
        Assert.Equal("deadline", RunWorkspace.Str(loop, "outcome"));
        Assert.Equal("0 of 5 items ok; phase 'moving' ran out of its 5s budget: 2 cut off, 3 not started", RunWorkspace.Str(loop, "note"));
        Assert.Contains(records, r => RunWorkspace.Type(r) == "moved" && RunWorkspace.Str(r, "from") == "moving" && RunWorkspace.Str(r, "to") == "late");

        // Their processes are gone (stopped with their group), not left to finish their sleep.
        var groups = RunWorkspace.ProcessGroupsOf(work.JournalPath(RunWorkspace.RunIdOf(result))).ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.False(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(g), $"process group {g} still runs after the deadline"));
        Assert.Equal(2, work.Read("started.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // The report's table shows the two items cut off, and says why.
        var report = work.Cli("report", RunWorkspace.RunIdOf(result), "--journal", RunWorkspace.JournalDir);
        Assert.True(report.Exit == 0, report.ToString());
        Assert.Contains("## Foreach write-each: deadline\n\n0 of 5 items ok; phase 'moving' ran out of its 5s budget: 2 cut off, 3 not started\n", report.Out);
        Assert.Matches(@"\| 1 \| `a` \| \*\*cancelled\*\* \| 1 \| [\dmsh]+ \|  \| cut off: its phase's budget ran out while it ran \|", report.Out);
    }

    [Fact]
    public void A_run_stopped_after_its_items_were_cut_off_resumes_to_the_phase_timeout_without_running_them_again()
    {
        using var work = new RunWorkspace("foreach-deadline");
        var result = work.Run("foreach-deadline");
        Assert.True(result.Exit == 1, result.ToString());
        // As if the runner had died just after journaling the last cut-off item: the foreach had not ended.
        var journal = work.JournalPath(RunWorkspace.RunIdOf(result));
        var lines = File.ReadAllLines(journal).ToList();
        var lastItem = lines.FindLastIndex(l => l.Contains("\"type\":\"item-ended\"", StringComparison.Ordinal));
        Assert.True(lastItem > 0, string.Join("\n", lines));
        File.WriteAllLines(journal, lines.Take(lastItem + 1));

        var resumed = work.Resume();
        Assert.True(resumed.Exit == 1, resumed.ToString());
        Assert.Contains("ended at 'late'", resumed.Out);
        // The two cut-off items were not run again, and the three others were not started after the deadline.
        Assert.Equal(2, work.Read("started.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var records = RunWorkspace.Records(journal);
        Assert.Equal(2, records.Count(r => RunWorkspace.Type(r) == "item-started"));
        Assert.Equal("deadline", RunWorkspace.Str(records.Single(r => RunWorkspace.Type(r) == "attempt-ended" && RunWorkspace.Str(r, "state") == "write-each"), "outcome"));
    }
}
