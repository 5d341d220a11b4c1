using System.Text.Json;
using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>A real run keeps up to <c>parallel K</c> items of a foreach in flight, each with its own captures;
/// killed with K items in flight, its resume starts every one of them again (each non-idempotent step asks,
/// answered per item as <c>NAME[i]/STATE</c>) and never runs a finished item again.</summary>
public sealed class ForeachAtOnceRunTests
{
    [Fact]
    public void Six_slow_items_with_parallel_3_run_three_at_once_each_with_its_own_capture()
    {
        using var work = new RunWorkspace("foreach-parallel");
        var result = work.Run("foreach-parallel");
        // 'verify' reaches 'done' only when every item's result holds its own capture, and each item's 'check'
        // step fails when the capture it reads is not its own.
        Assert.True(result.Exit == 0, result.ToString());
        var records = work.Records(result);
        var intervals = ItemIntervals(records, "each-id");
        Assert.Equal(6, intervals.Count);
        // Judged on the journal, not the wall clock: how many items were between their start and their end at once.
        Assert.Equal(3, MostAtOnce(intervals));

        var results = records.Single(r => RunWorkspace.Type(r) == "foreach-ended").GetProperty("results").GetProperty("results");
        Assert.Equal(["a", "b", "c", "d", "e", "f"], results.EnumerateArray().Select(r => r.GetProperty("captures").GetProperty("got").GetString()));
    }

    [Fact]
    public void A_run_killed_with_three_items_in_flight_resumes_all_three_and_each_is_answered_by_its_own_address()
    {
        using var work = new RunWorkspace("foreach-ledger");
        using (var running = work.Start("foreach-ledger"))
        {
            RunWorkspace.WaitForRecord(work.SingleJournal, _ => LedgerLines(work) >= 3
                && RunWorkspace.Records(work.SingleJournal()!).Count(r => RunWorkspace.Type(r) == "process-started") >= 3, running);
            running.Kill();
            running.Finish();
        }
        var journal = work.SingleJournal()!;
        var before = RunWorkspace.Records(journal);
        Assert.Equal(3, before.Count(r => RunWorkspace.Type(r) == "item-started"));
        Assert.DoesNotContain(before, r => RunWorkspace.Type(r) == "item-ended");
        // From now on a step's write ends at once.
        File.WriteAllText(work.PathOf("fast"), "");

        // The three items' processes still run: each is asked about by its item's address.
        var orphans = work.Resume();
        Assert.Equal(2, orphans.Exit);
        for (var i = 1; i <= 3; i++) Assert.Contains($"--answer write-each[{i}]/write#1=wait", orphans.Err);

        // Stopped (one answer for every item): now each item's write is in doubt, and asked about by its address.
        var asked = work.Resume("--answer", "write=kill");
        Assert.Equal(2, asked.Exit);
        for (var i = 1; i <= 3; i++) Assert.Contains($"--answer write-each[{i}]/write#1=rerun", asked.Err);
        Assert.Equal(3, LedgerLines(work));

        // An address that names no item of this playbook is refused with why, before anything happens.
        var wrong = new (string Answer, string Why)[]
        {
            ("write-each[0]/write=skip", "an item is numbered from 1"),
            ("write-each[11]/write=skip", "runs at most 10 items"),
            ("write-eachh[1]/write=skip", "did you mean 'write-each'?"),
            ("write-each[1]=skip", "names an item, not a step"),
            ("write-each[1]/done=skip", "'done' is not in the body of foreach 'write-each'"),
        };
        foreach (var (answer, why) in wrong)
        {
            var refused = work.Resume("--answer", answer);
            Assert.True(refused.Exit == 2, refused.ToString());
            Assert.Contains(why, refused.Err);
        }
        Assert.Equal(3, LedgerLines(work));

        var resumed = work.Resume("--answer", "write-each[1]/write=skip", "--answer", "write-each[2]/write=rerun", "--answer", "write-each[3]/write=skip");
        Assert.True(resumed.Exit == 0, resumed.ToString());
        // Item 2 was told to run again; 1 and 3 were not; 4 and 5 ran once.
        var counts = work.Read("ledger.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 1, ["d"] = 1, ["e"] = 1 }, counts);

        var records = RunWorkspace.Records(journal);
        // Each item started once and ended once, whatever the resume did.
        Assert.Equal([1, 2, 3, 4, 5], records.Where(r => RunWorkspace.Type(r) == "item-started").Select(r => r.GetProperty("index").GetInt32()).Order());
        Assert.Equal([1, 2, 3, 4, 5], records.Where(r => RunWorkspace.Type(r) == "item-ended").Select(r => r.GetProperty("index").GetInt32()).Order());
        var decisions = records.Last(r => RunWorkspace.Type(r) == "run-resumed").GetProperty("in_flight").EnumerateArray()
            .ToDictionary(d => d.GetProperty("flow").GetString()!, d => d.GetProperty("choice").GetString());
        Assert.Equal("skip", decisions["write-each[1]"]);
        Assert.Equal("rerun", decisions["write-each[2]"]);
        Assert.Equal("skip", decisions["write-each[3]"]);
    }

    [Fact]
    public void A_stop_signal_cancels_every_item_in_flight_stops_their_processes_and_a_resume_runs_them_again()
    {
        using var work = new RunWorkspace("foreach-ledger");
        CliProcess.Result stopped;
        using (var running = work.Start("foreach-ledger"))
        {
            RunWorkspace.WaitForRecord(work.SingleJournal, _ => LedgerLines(work) >= 3
                && RunWorkspace.Records(work.SingleJournal()!).Count(r => RunWorkspace.Type(r) == "process-started") >= 3, running);
            RunWorkspace.Terminate(running.Pid);
            stopped = running.Finish(TimeSpan.FromSeconds(60));
        }
        Assert.True(stopped.Exit == 130, stopped.ToString());
        var journal = work.SingleJournal()!;
        var records = RunWorkspace.Records(journal);
        Assert.Equal("run-interrupted", RunWorkspace.Type(records[^1]));
        // The three items were cancelled, not ended: no item-ended, and none of their processes still runs.
        Assert.DoesNotContain(records, r => RunWorkspace.Type(r) == "item-ended");
        var groups = RunWorkspace.ProcessGroupsOf(journal).ToList();
        Assert.Equal(3, groups.Count);
        Assert.All(groups, g => Assert.False(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(g), $"process group {g} still runs after the run stopped"));

        File.WriteAllText(work.PathOf("fast"), "");
        var resumed = work.Resume("--answer", "write=rerun");
        Assert.True(resumed.Exit == 0, resumed.ToString());
        // The three cancelled items ran again (as told), the other two once.
        var counts = work.Read("ledger.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 2, ["b"] = 2, ["c"] = 2, ["d"] = 1, ["e"] = 1 }, counts);
    }

    [Fact]
    public void An_item_address_is_refused_when_a_run_starts_and_nothing_runs()
    {
        using var work = new RunWorkspace("foreach-ledger");
        // An item's address is for a step in flight, which only a resume has.
        var run = work.Run("foreach-ledger", "--answer", "write-each[1]/write=skip");
        Assert.Equal(2, run.Exit);
        Assert.Contains("answered only on resume", run.Err);
        Assert.False(work.Exists("ledger.txt"));
    }

    /// <summary>Each item's [start, end] in milliseconds from the run's start, from its item-started and item-ended records.</summary>
    internal static List<(double Start, double End)> ItemIntervals(List<JsonElement> records, string loop)
    {
        double At(JsonElement r) => r.GetProperty("at_ms").GetDouble();
        var started = records.Where(r => RunWorkspace.Type(r) == "item-started" && RunWorkspace.Str(r, "state") == loop)
            .ToDictionary(r => r.GetProperty("index").GetInt32(), At);
        return records.Where(r => RunWorkspace.Type(r) == "item-ended" && RunWorkspace.Str(r, "state") == loop)
            .Select(r => (started[r.GetProperty("index").GetInt32()], At(r))).ToList();
    }

    /// <summary>The most intervals open at one moment (an end at the same millisecond as a start comes first).</summary>
    internal static int MostAtOnce(List<(double Start, double End)> intervals)
    {
        var events = intervals.SelectMany(i => new[] { (At: i.Start, Change: 1), (At: i.End, Change: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Change);
        int open = 0, most = 0;
        foreach (var (_, change) in events) most = Math.Max(most, open += change);
        return most;
    }

    private static int LedgerLines(RunWorkspace work) =>
        work.Exists("ledger.txt") ? work.Read("ledger.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length : 0;
}
