using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>A runner SIGKILLed while a shell step runs leaves that step's process running (an orphan):
/// <c>playbook runs</c> shows it, and <c>playbook resume</c> waits for it and takes its real outcome, or
/// takes the outcome it already wrote, instead of running the step a second time.</summary>
public class OrphanEndToEndTests
{
    private static int KilledWhileSecondRuns(RunWorkspace work)
    {
        using var running = work.Start("resumable");
        WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == "second", running);
        // Journaled at its gate, then released: killed before the release, the step would never run at all.
        WaitForLedgerLine(work, "second");
        running.Kill();
        running.Finish();
        return Records(work.SingleJournal()!).Single(r => Type(r) == "process-started" && Str(r, "state") == "second").GetProperty("pgid").GetInt32();
    }

    [Fact]
    public void Runs_shows_a_live_orphan_and_resume_waits_for_it_and_journals_its_real_outcome()
    {
        using var work = new RunWorkspace("resumable");
        var group = KilledWhileSecondRuns(work);
        var id = Path.GetFileNameWithoutExtension(work.SingleJournal()!);

        var listed = work.Cli("runs", "--journal", JournalDir);
        Assert.True(listed.Exit == 0, listed.ToString());
        Assert.True(listed.Out.Contains($"{id}: step 'second' is still running unsupervised: pid {group}, since ", StringComparison.Ordinal), listed.ToString());
        Assert.Contains("`echo second >> ledger.txt;", listed.Out);
        Assert.Contains($"playbook resume {id} --answer second#1=wait (or =kill)", listed.Out);
        var json = work.Cli("runs", "--journal", JournalDir, "--format", "json");
        Assert.Contains($"\"pid\": {group}", json.Out);

        using (var resuming = CliProcess.Start(work.Directory, work.Environment, "resume", "--journal", JournalDir, "--answer", "second=wait"))
        {
            WaitForRecord(work.SingleJournal, r => Type(r) == "run-resumed", resuming);
            File.WriteAllText(work.PathOf("go"), "");
            var resumed = resuming.Finish();
            Assert.True(resumed.Exit == 0, resumed.ToString());
            Assert.Contains("waiting for it to finish", resumed.Out);
            Assert.Contains("ended at 'done' (success)", resumed.Out);
        }
        // Ran once: the orphan's own run is the step's.
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
        var records = Records(work.SingleJournal()!);
        var resumedRecord = records.Single(r => Type(r) == "run-resumed");
        Assert.DoesNotContain(group, resumedRecord.GetProperty("stopped_process_groups").EnumerateArray().Select(g => g.GetInt32()));
        Assert.Equal("waited", Str(Assert.Single(resumedRecord.GetProperty("in_flight").EnumerateArray()), "process"));
        var ended = records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "second");
        Assert.Equal(("ok", 1), (Str(ended, "outcome"), ended.GetProperty("attempt").GetInt32()));
        Assert.Contains("waited for on resume", Str(ended, "note"));
        Assert.DoesNotContain("still running", work.Cli("runs", "--journal", JournalDir).Out);
        Assert.False(Directory.Exists(Path.Combine(work.JournalDirectory, id + ".steps")), "the step files outlived the run");
    }

    [Fact]
    public void An_orphan_that_finished_on_its_own_is_taken_as_the_step_without_asking()
    {
        using var work = new RunWorkspace("resumable");
        var group = KilledWhileSecondRuns(work);
        File.WriteAllText(work.PathOf("go"), "");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(group) && DateTime.UtcNow < deadline) Thread.Sleep(25);

        // Not idempotent, yet no question: its status file says how it ended.
        var resumed = work.Resume();

        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
        var records = Records(work.SingleJournal()!);
        Assert.Equal("ended", Str(Assert.Single(records.Single(r => Type(r) == "run-resumed").GetProperty("in_flight").EnumerateArray()), "process"));
        Assert.Contains("had ended on its own", Str(records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "second"), "note"));
    }
}
