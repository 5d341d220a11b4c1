using System.Text;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary><c>playbook resume</c> on runs that really stopped: killed (SIGKILL) with a step in flight,
/// interrupted (SIGTERM), with a torn or damaged journal, or with a playbook that changed since.
/// resumable*.playbook append to ledger.txt each time a step really runs, and their second step waits
/// for a file named 'go', so a test can stop the run while that step is in flight.</summary>
public class ResumeEndToEndTests
{
    /// <summary>A run that completed, cut back to just after it entered 'second': the journal a crash at
    /// that moment leaves (every record whole, no end).</summary>
    private static string StoppedBeforeSecond(RunWorkspace work)
    {
        File.WriteAllText(work.PathOf("go"), "");
        var result = work.Run("resumable-idempotent");
        Assert.True(result.Exit == 0, result.ToString());
        File.Delete(work.PathOf("go"));
        var id = RunIdOf(result);
        var path = work.JournalPath(id);
        var lines = File.ReadAllLines(path);
        var keep = Array.FindIndex(lines, l => l.Contains("\"type\":\"state-entered\"", StringComparison.Ordinal) && l.Contains("\"state\":\"second\"", StringComparison.Ordinal));
        Assert.True(keep > 0, string.Join('\n', lines));
        File.WriteAllText(path, string.Join("", lines.Take(keep + 1).Select(l => l + "\n")));
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
        return id;
    }

    [Fact]
    public void A_torn_last_record_is_reported_cut_and_the_run_continues()
    {
        using var work = new RunWorkspace("resumable-idempotent");
        var id = StoppedBeforeSecond(work);
        // The crash came in the middle of writing a record: half a line, no newline.
        var whole = Records(work.JournalPath(id)).Count;
        File.AppendAllText(work.JournalPath(id), "4f1c2a9e {\"seq\":" + (whole + 1) + ",\"type\":\"attempt-sta");
        File.WriteAllText(work.PathOf("go"), "");

        var result = work.Resume();

        Assert.True(result.Exit == 0, result.ToString());
        Assert.StartsWith($"run {id} (resumed)", result.Out);
        Assert.Contains($"cut a torn record at the end of the journal (line {whole + 1}: the record is cut short", result.Out);
        Assert.Contains("ended at 'done' (success)", result.Out);
        Assert.Equal("first\nsecond\nsecond\n", work.Read("ledger.txt"));
        // The torn bytes are gone: every line of the journal is a whole record again.
        var lines = File.ReadAllText(work.JournalPath(id)).Split('\n');
        Assert.Equal("", lines[^1]);
        Assert.Equal(lines.Length - 1, Records(work.JournalPath(id)).Count);
        var records = Records(work.JournalPath(id));
        Assert.StartsWith($"line {whole + 1}: the record is cut short", Str(records.Single(r => Type(r) == "run-resumed"), "cut"));
        Assert.Equal("success", Str(records[^1], "status"));
        // Every record made it, numbered on from the cut.
        Assert.Equal(Enumerable.Range(1, records.Count), records.Select(r => r.GetProperty("seq").GetInt32()));
    }

    [Fact]
    public void A_journal_damaged_before_its_end_is_refused_and_left_as_it_was()
    {
        using var work = new RunWorkspace("resumable-idempotent");
        var id = StoppedBeforeSecond(work);
        var path = work.JournalPath(id);
        var bytes = File.ReadAllBytes(path);
        // One flipped bit inside the third record: its CRC no longer matches, and records follow it.
        var third = Encoding.UTF8.GetString(bytes).Split('\n').Take(2).Sum(l => l.Length + 1) + 20;
        bytes[third] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var result = work.Resume(id);

        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains($"{id}.journal:3: the journal is damaged before its end", result.Err);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
    }

    [Fact]
    public void A_playbook_that_changed_since_the_run_started_is_refused()
    {
        using var work = new RunWorkspace("resumable-idempotent");
        var id = StoppedBeforeSecond(work);
        var before = File.ReadAllBytes(work.JournalPath(id));
        File.AppendAllText(work.PathOf("resumable-idempotent.playbook"), "# edited during the incident\n");

        var result = work.Resume();

        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains($"changed since run {id} started", result.Err);
        Assert.Equal(before, File.ReadAllBytes(work.JournalPath(id)));
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
    }

    /// <summary>Starts the playbook and SIGKILLs the CLI once 'second' has started its shell command,
    /// which lives on in its own process group, as after a real crash. Returns that group.</summary>
    private static int KilledWhileSecondRuns(RunWorkspace work, string playbook)
    {
        using var running = work.Start(playbook);
        WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == "second", running);
        // Journaled at its gate, then released: killed before the release, the step would never run at all.
        WaitForLedgerLine(work, "second");
        running.Kill();
        var killed = running.Finish();
        Assert.True(killed.Exit != 0, killed.ToString());
        var records = Records(work.SingleJournal()!);
        Assert.DoesNotContain(records, r => Type(r) is "run-ended" or "run-interrupted");
        Assert.Contains(records, r => Type(r) == "attempt-started" && Str(r, "state") == "second");
        return records.Single(r => Type(r) == "process-started" && Str(r, "state") == "second").GetProperty("pgid").GetInt32();
    }

    /// <summary>The orphan the kill left dies too (as if the machine's OOM killer took it): its step started
    /// and nobody knows how it ended.</summary>
    private static void OrphanDies(int group)
    {
        Playbook.LiveRuns.Actions.ShellRunner.KillGroup(group);
        Assert.False(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(group), $"process group {group} still runs");
    }

    [Fact]
    public void A_non_idempotent_step_in_flight_needs_an_answer_and_skip_does_not_run_it_again()
    {
        using var work = new RunWorkspace("resumable");
        var group = KilledWhileSecondRuns(work, "resumable");
        var journal = work.SingleJournal()!;
        var before = File.ReadAllBytes(journal);

        // Its process still runs: first, wait for it or stop it.
        var refused = work.Resume();
        Assert.True(refused.Exit == 2, refused.ToString());
        Assert.Contains($"step 'second' is still running from the run that stopped (pid {group}, `echo second >> ledger.txt;", refused.Err);
        Assert.Contains("--answer second#1=wait (let it finish and take its outcome) or =kill", refused.Err);
        Assert.Equal(before, File.ReadAllBytes(journal));
        Assert.True(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(group), "a refused resume stopped the step's process");

        // Stopped: what it did is unknown, so the in-flight rule asks, and the stop is journaled.
        var killed = work.Resume("--answer", "second=kill");
        Assert.True(killed.Exit == 2, killed.ToString());
        Assert.Contains("step 'second' was running (attempt 1) when the run stopped, and it is not idempotent (its process group was stopped)", killed.Err);
        Assert.Contains("--answer second#1=rerun", killed.Err);
        Assert.Contains("=skip", killed.Err);
        Assert.Contains("=fail", killed.Err);
        Assert.False(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(group), $"process group {group} still runs");
        var stop = Records(journal).Single(r => Type(r) == "process-stopped");
        Assert.Equal(("second", group), (Str(stop, "state"), stop.GetProperty("pgid").GetInt32()));

        var skipped = work.Resume("--answer", "second=skip");
        Assert.True(skipped.Exit == 0, skipped.ToString());
        Assert.Contains("ended at 'done' (success)", skipped.Out);
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
        var resumed = Records(journal).Single(r => Type(r) == "run-resumed");
        var decision = Assert.Single(resumed.GetProperty("in_flight").EnumerateArray());
        Assert.Equal(("second", "skip", "unknown"), (Str(decision, "state"), Str(decision, "choice"), Str(decision, "process")));
    }

    [Fact]
    public void Kill_and_an_in_flight_answer_together_stop_the_orphan_and_go_on()
    {
        using var work = new RunWorkspace("resumable");
        var group = KilledWhileSecondRuns(work, "resumable");

        var result = work.Resume("--answer", "second=kill", "--answer", "second=skip");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains($"stopped process group {group}, left running by the run that stopped", result.Out);
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
        var resumed = Records(work.SingleJournal()!).Single(r => Type(r) == "run-resumed");
        Assert.Contains(group, resumed.GetProperty("stopped_process_groups").EnumerateArray().Select(g => g.GetInt32()));
        Assert.False(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(group), $"process group {group} still runs");
    }

    [Fact]
    public void An_answer_bound_to_another_attempt_is_not_taken_and_one_bound_to_this_attempt_is()
    {
        using var work = new RunWorkspace("resumable");
        var group = KilledWhileSecondRuns(work, "resumable");
        var journal = work.SingleJournal()!;

        // Said for attempt 2 (say, of a runner that looked later): attempt 1 is the one in flight, so the question stands.
        var other = work.Resume("--answer", "second#2=kill", "--answer", "second#2=skip");
        Assert.True(other.Exit == 2, other.ToString());
        Assert.Contains("--answer second#1=wait (let it finish and take its outcome) or =kill", other.Err);
        Assert.True(Playbook.LiveRuns.Actions.ProcessGroups.IsAlive(group), "an answer for another attempt stopped the step's process");

        // Only a step has attempts to bind to; '#0' is no attempt.
        var misplaced = work.Resume("--answer", "second#1=kill", "--answer", "done#1=skip");
        Assert.True(misplaced.Exit == 2, misplaced.ToString());
        Assert.Contains("--answer done#1=skip: '#1' names one attempt of a step that was running", misplaced.Err);
        var zero = work.Resume("--answer", "second#0=kill");
        Assert.True(zero.Exit == 2, zero.ToString());
        Assert.Contains("--answer second#0=kill:", zero.Err);

        var bound = work.Resume("--answer", "second#1=kill", "--answer", "second#1=skip");
        Assert.True(bound.Exit == 0, bound.ToString());
        Assert.Equal("first\nsecond\n", work.Read("ledger.txt"));
        var resumed = Records(journal).Single(r => Type(r) == "run-resumed");
        var decision = Assert.Single(resumed.GetProperty("in_flight").EnumerateArray());
        Assert.Equal(("second", 1, "skip"), (Str(decision, "state"), decision.GetProperty("attempt").GetInt32(), Str(decision, "choice")));
    }

    [Fact]
    public void Rerun_runs_the_step_in_flight_again()
    {
        using var work = new RunWorkspace("resumable");
        OrphanDies(KilledWhileSecondRuns(work, "resumable"));
        File.WriteAllText(work.PathOf("go"), "");

        var result = work.Resume("--answer", "second=rerun");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal("first\nsecond\nsecond\n", work.Read("ledger.txt"));
    }

    [Fact]
    public void An_idempotent_step_in_flight_is_run_again_without_asking()
    {
        using var work = new RunWorkspace("resumable-idempotent");
        OrphanDies(KilledWhileSecondRuns(work, "resumable-idempotent"));
        File.WriteAllText(work.PathOf("go"), "");

        var result = work.Resume();

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("ended at 'done' (success)", result.Out);
        Assert.Equal("first\nsecond\nsecond\n", work.Read("ledger.txt"));
    }

    [Fact]
    public void An_interrupted_run_exits_130_and_resumes_to_its_end()
    {
        using var work = new RunWorkspace("resumable-idempotent");
        CliProcess.Result stopped;
        using (var running = work.Start("resumable-idempotent"))
        {
            WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == "second", running);
            // The record is journaled before the process runs: wait until it has written, so the resume's rerun shows.
            WaitForLedgerLine(work, "second");
            Terminate(running.Pid);
            stopped = running.Finish(TimeSpan.FromSeconds(30));
        }
        var id = RunIdOf(stopped);
        Assert.True(stopped.Exit == 130, stopped.ToString());
        Assert.Contains($"continue it with: playbook resume {id} --journal {JournalDir}", stopped.Err);
        Assert.Equal("run-interrupted", Type(Records(work.JournalPath(id))[^1]));
        Assert.Contains(work.Cli("runs", "--journal", JournalDir).Out.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains("interrupted", StringComparison.Ordinal));

        File.WriteAllText(work.PathOf("go"), "");
        var resumed = work.Resume();

        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.StartsWith($"run {id} (resumed)", resumed.Out);
        Assert.Equal("first\nsecond\nsecond\n", work.Read("ledger.txt"));
        Assert.Equal("success", Str(Records(work.JournalPath(id))[^1], "status"));
    }

    [Fact]
    public void Resume_with_nothing_to_resume_or_an_unknown_id_says_so()
    {
        using var work = new RunWorkspace("aborts");

        var none = work.Resume();
        Assert.True(none.Exit == 2, none.ToString());
        Assert.Contains($"no runs in {JournalDir}", none.Err);

        var id = RunIdOf(work.Run("aborts"));
        var ended = work.Resume();
        Assert.True(ended.Exit == 2, ended.ToString());
        Assert.Contains($"every run in {JournalDir} has ended; nothing to resume", ended.Err);

        var named = work.Resume(id);
        Assert.True(named.Exit == 2, named.ToString());
        Assert.Contains($"run {id} already ended (aborted)", named.Err);

        var typo = id[..^1] + (id[^1] == '0' ? '1' : '0');
        var unknown = work.Resume(typo);
        Assert.True(unknown.Exit == 2, unknown.ToString());
        Assert.Contains($"no run '{typo}' in {JournalDir} (did you mean {id}?)", unknown.Err);
    }
}
