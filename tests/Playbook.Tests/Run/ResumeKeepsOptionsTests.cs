using System.Text.Json;
using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary>A resume does what the operator told the run: the answers given in advance, the report and its
/// template come from the journal unless given again; states of called playbooks are answered by their
/// address (CALLSTEP/STATE); and a run with no terminal says before it starts which manual steps nobody can
/// answer (with --no-wait it refuses to start instead).</summary>
public class ResumeKeepsOptionsTests
{
    /// <summary>Starts <paramref name="playbook"/> with <paramref name="args"/> and SIGKILLs the CLI once
    /// <paramref name="state"/> has started its shell command (which lives on, as after a crash).</summary>
    /// <summary>Kills the runner while <paramref name="state"/> runs; with <paramref name="ledgerLine"/>, only once the
    /// step has passed its gate and written that line (so it really ran, and its process outlives the runner).</summary>
    private static string KilledWhile(RunWorkspace work, string playbook, string state, string? ledgerLine, params string[] args)
    {
        using var running = work.Start(playbook, args);
        WaitForRecord(work.SingleJournal, r => Type(r) == "process-started" && Str(r, "state") == state, running);
        if (ledgerLine is not null) WaitForLedgerLine(work, ledgerLine);
        running.Kill();
        var killed = running.Finish();
        Assert.True(killed.Exit != 0, killed.ToString());
        var journal = work.SingleJournal()!;
        Assert.DoesNotContain(Records(journal), r => Type(r) is "run-ended" or "run-interrupted");
        return journal;
    }

    [Fact]
    public void A_pre_answered_approval_reached_only_after_a_resume_is_answered_as_the_run_said_and_the_report_is_written()
    {
        using var work = new RunWorkspace("gate-after-wait");
        var journal = KilledWhile(work, "gate-after-wait", "hold", null, "--answer", "gate=approve", "--report", "incident.md");
        Assert.DoesNotContain(Records(journal), r => Type(r) == "state-entered" && Str(r, "state") == "gate");
        File.WriteAllText(work.PathOf("go"), "");

        // Nothing said again on the resume command line.
        var resumed = work.Resume();

        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.Contains("ended at 'approved' (success)", resumed.Out);
        var answered = Records(journal).Single(r => Type(r) == "answered");
        Assert.Equal(("gate", "approve", "--answer"), (Str(answered, "state"), Str(answered, "answer"), Str(answered, "who")));
        // The report the run asked for is written by the resume that ended it.
        Assert.Contains("report: incident.md", resumed.Out);
        Assert.Contains("**success** at `approved`", work.Read("incident.md"));
        // Journaled, without a secret: the answers and the paths, absolute.
        var options = Records(journal)[0].GetProperty("options");
        Assert.Equal("approve", options.GetProperty("answers").GetProperty("gate").GetString());
        Assert.Equal(work.PathOf("incident.md"), options.GetProperty("report").GetString());
        Assert.Equal(work.Directory, options.GetProperty("cwd").GetString());
        Assert.False(options.GetProperty("no_wait").GetBoolean());
    }

    [Fact]
    public void A_per_item_answer_given_before_the_crash_answers_that_item_after_the_resume()
    {
        using var work = new RunWorkspace("foreach-gate-after-wait");
        var journal = KilledWhile(work, "foreach-gate-after-wait", "hold", null, "--answer", "gate=approve", "--answer", "gate-each[2]/gate=reject");
        Assert.DoesNotContain(Records(journal), r => Type(r) == "state-entered" && Str(r, "state") == "gate");
        File.WriteAllText(work.PathOf("go"), "");

        // Nothing said again on the resume command line: the journaled answers, the item's own first.
        var resumed = work.Resume();

        Assert.True(resumed.Exit == 1, resumed.ToString());
        Assert.Contains("ended at 'refused' (failure)", resumed.Out);
        var answered = Records(journal).Where(r => Type(r) == "answered").ToList();
        Assert.Equal(["gate-each[1]", "gate-each[2]", "gate-each[3]"], answered.Select(r => Str(r, "flow")));
        Assert.Equal(["approve", "reject", "approve"], answered.Select(r => Str(r, "answer")));
        Assert.All(answered, r => Assert.Equal("--answer", Str(r, "who")));
        var options = Records(journal)[0].GetProperty("options").GetProperty("answers");
        Assert.Equal("reject", options.GetProperty("gate-each[2]/gate").GetString());
    }

    [Fact]
    public void An_answer_given_again_on_resume_overrides_the_journaled_one_and_is_kept_for_the_next_resume()
    {
        using var work = new RunWorkspace("gate-after-wait");
        var journal = KilledWhile(work, "gate-after-wait", "hold", null, "--answer", "gate=approve");
        File.WriteAllText(work.PathOf("go"), "");

        var resumed = work.Resume("--answer", "gate=reject");

        Assert.True(resumed.Exit == 1, resumed.ToString());
        Assert.Contains("ended at 'rejected' (failure)", resumed.Out);
        var resumedRecord = Records(journal).Single(r => Type(r) == "run-resumed");
        Assert.Equal("reject", resumedRecord.GetProperty("options").GetProperty("answers").GetProperty("gate").GetString());
    }

    [Fact]
    public void A_step_in_flight_inside_a_called_playbook_is_answered_by_its_address()
    {
        using var work = new RunWorkspace("nested-caller", "nested-callee");
        var journal = KilledWhile(work, "nested-caller", "migrate", "migrate", "--answer", "restore/confirm=approve");
        var before = File.ReadAllBytes(journal);

        var asked = work.Resume();
        Assert.True(asked.Exit == 2, asked.ToString());
        // Its process outlived the runner: the operator first says whether to wait for it or stop it.
        Assert.Contains("step 'migrate' (in restore#1) is still running from the run that stopped", asked.Err);
        Assert.Contains("--answer restore/migrate#1=wait", asked.Err);
        Assert.Equal(before, File.ReadAllBytes(journal));

        // The bare name is what resume used to ask for, and then reject: it now points at the address.
        var bare = work.Resume("--answer", "migrate=skip");
        Assert.True(bare.Exit == 2, bare.ToString());
        Assert.Contains("did you mean 'restore/migrate'?", bare.Err);

        var skipped = work.Resume("--answer", "restore/migrate=kill", "--answer", "restore/migrate=skip");
        Assert.True(skipped.Exit == 0, skipped.ToString());
        Assert.Contains("ended at 'restored' (success)", skipped.Out);
        Assert.Equal("migrate\n", work.Read("ledger.txt"));
        var decision = Assert.Single(Records(journal).Single(r => Type(r) == "run-resumed").GetProperty("in_flight").EnumerateArray());
        Assert.Equal(("restore#1", "migrate", "skip"), (Str(decision, "flow"), Str(decision, "state"), Str(decision, "choice")));
        // The callee's manual step took the answer the run was given for it, by address.
        var answered = Records(journal).Single(r => Type(r) == "answered");
        Assert.Equal(("restore#1", "confirm", "approve"), (Str(answered, "flow"), Str(answered, "state"), Str(answered, "answer")));
    }

    [Fact]
    public void A_manual_step_of_a_called_playbook_is_answered_in_advance_by_its_address()
    {
        using var work = new RunWorkspace("nested-caller", "nested-callee");
        File.WriteAllText(work.PathOf("go"), "");

        var rejected = work.Run("nested-caller", "--answer", "restore/confirm=reject");
        Assert.True(rejected.Exit == 1, rejected.ToString());
        Assert.Contains("ended at 'not-restored' (failure)", rejected.Out);
        Assert.Equal("reject", Str(work.Records(rejected).Single(r => Type(r) == "answered"), "answer"));

        var wrong = work.Run("nested-caller", "--answer", "restore/confrim=approve");
        Assert.True(wrong.Exit == 2, wrong.ToString());
        Assert.Contains("--answer restore/confrim=approve: playbook 'nested-callee' has no state 'confrim' (did you mean 'confirm'?)", wrong.Err);

        var notACall = work.Run("nested-caller", "--answer", "restored/confirm=approve");
        Assert.True(notACall.Exit == 2, notACall.ToString());
        Assert.Contains("'restored' in playbook 'nested-caller' is not a call step", notACall.Err);
    }

    [Fact]
    public void A_run_without_a_terminal_lists_the_manual_steps_nobody_can_answer_and_how_to_answer_them()
    {
        using var work = new RunWorkspace("nested-caller", "nested-callee");
        File.WriteAllText(work.PathOf("go"), "");

        var result = work.Run("nested-caller");

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("nobody can answer manual step 'restore/confirm' here (no terminal, no --answer)", result.Err);
        Assert.Contains("it waits until its timeout (1s)", result.Err);
        Assert.Contains("--answer restore/confirm=approve or --answer restore/confirm=reject", result.Err);

        var answered = work.Run("nested-caller", "--answer", "restore/confirm=approve");
        Assert.True(answered.Exit == 0, answered.ToString());
        Assert.DoesNotContain("nobody can answer", answered.Err);
    }

    [Fact]
    public void No_wait_refuses_a_run_that_would_wait_for_an_answer_before_anything_runs()
    {
        using var work = new RunWorkspace("approval");

        var refused = work.Run("approval", "--no-wait");

        Assert.True(refused.Exit == 2, refused.ToString());
        Assert.Contains("nobody can answer manual step 'gate' here", refused.Err);
        Assert.Contains("--answer gate=approve or --answer gate=reject", refused.Err);
        Assert.Contains("--no-wait: the run would wait for this answer, so it does not start; nothing was run", refused.Err);
        Assert.False(work.Exists("prepared.txt"));
        Assert.Null(work.SingleJournal());

        var answered = work.Run("approval", "--no-wait", "--answer", "gate=approve");
        Assert.True(answered.Exit == 0, answered.ToString());
        Assert.True(work.Exists("prepared.txt"));
    }

    [Fact]
    public void A_called_playbook_that_changed_since_the_run_started_is_refused()
    {
        using var work = new RunWorkspace("nested-caller", "nested-callee");
        var journal = KilledWhile(work, "nested-caller", "migrate", "migrate", "--answer", "restore/confirm=approve");
        Assert.Contains(work.PathOf("nested-callee.playbook"), Records(journal)[0].GetProperty("callees").EnumerateObject().Select(p => p.Name));
        var before = File.ReadAllBytes(journal);
        File.AppendAllText(work.PathOf("nested-callee.playbook"), "# edited during the incident\n");

        var refused = work.Resume("--answer", "restore/migrate=skip");

        Assert.True(refused.Exit == 2, refused.ToString());
        Assert.Contains($"'{work.PathOf("nested-callee.playbook")}', which run", refused.Err);
        Assert.Contains("changed since it started", refused.Err);
        Assert.Equal(before, File.ReadAllBytes(journal));
    }
}
