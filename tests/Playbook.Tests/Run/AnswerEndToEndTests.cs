using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary><c>playbook answer</c> from a second process answers the manual step a run with no terminal waits on:
/// the run reaches its end at once, and its journal and report say who answered, from where, with the comment
/// (secrets redacted). What cannot be answered is refused with one clear line and nothing posted.</summary>
public class AnswerEndToEndTests
{
    private static string WaitUntilAsking(RunWorkspace work, CliProcess.Running running)
    {
        WaitForRecord(work.SingleJournal, r => Type(r) == "attempt-started" && Str(r, "state") == "gate", running);
        return Path.GetFileNameWithoutExtension(work.SingleJournal()!);
    }

    [Fact]
    public void A_second_process_approves_a_waiting_run_which_reaches_its_end_and_journals_who_answered()
    {
        using var work = new RunWorkspace("answer-gate");
        work.Environment["PLAYBOOK_SECRET_TOKEN"] = "hunter2-secret";
        work.Environment["USER"] = "alice";
        using var running = work.Start("answer-gate");
        var id = WaitUntilAsking(work, running);

        var answered = work.Cli("answer", id, "gate", "approve", "--comment", "checked the replica <b>lag</b>; token hunter2-secret", "--journal", JournalDir);

        Assert.True(answered.Exit == 0, answered.ToString());
        Assert.Contains($"answered 'gate' of run {id}: approve as alice@{Environment.MachineName}, from terminal {Environment.MachineName} pid ", answered.Out);
        var run = running.Finish();
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("ended at 'approved' (success)", run.Out);
        Assert.Contains("answer it from another terminal: playbook answer " + id + " gate approve", run.Out);

        // The question as the run put it, holes filled: what someone answering from elsewhere reads.
        Assert.Equal("Restore orders-1 now?", Str(Records(work.JournalPath(id)).Single(r => Type(r) == "asked"), "prompt"));
        var record = Records(work.JournalPath(id)).Single(r => Type(r) == "answered");
        Assert.Equal("approve", Str(record, "answer"));
        Assert.Equal($"alice@{Environment.MachineName}", Str(record, "who"));
        Assert.StartsWith($"terminal {Environment.MachineName} pid ", Str(record, "from"));
        Assert.Equal("checked the replica <b>lag</b>; token ***", Str(record, "comment"));
        Assert.DoesNotContain("hunter2-secret", File.ReadAllText(work.JournalPath(id)));
        // Everything the inbox held is in the journal now: it is gone with the run's other working files.
        Assert.False(Directory.Exists(Path.Combine(work.JournalDirectory, id + ".answers")));

        var report = work.Cli("report", id, "--journal", JournalDir, "--format", "html");
        Assert.True(report.Exit == 0, report.ToString());
        Assert.Contains($"alice@{Environment.MachineName}", report.Out);
        Assert.Contains("checked the replica &lt;b&gt;lag&lt;/b&gt;; token ***", report.Out);
        Assert.DoesNotContain("<b>lag</b>", report.Out);

        var again = work.Cli("answer", id, "gate", "reject", "--journal", JournalDir);
        Assert.Equal(1, again.Exit);
        Assert.Contains($"run {id} already ended (success): there is nothing to answer", again.Err);
    }

    [Fact]
    public void Answers_the_run_cannot_take_are_refused_and_a_reject_takes_the_reject_way()
    {
        using var work = new RunWorkspace("answer-gate");
        using var running = work.Start("answer-gate");
        var id = WaitUntilAsking(work, running);

        var unknown = work.Cli("answer", "20200101-000000-0000", "gate", "approve", "--journal", JournalDir);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("no run '20200101-000000-0000'", unknown.Err);
        var wrongStep = work.Cli("answer", id, "prepare", "approve", "--journal", JournalDir);
        Assert.Equal(1, wrongStep.Exit);
        Assert.Contains($"run {id} is not waiting on 'prepare': it is waiting on 'gate'", wrongStep.Err);
        var wrongChoice = work.Cli("answer", id, "gate", "rerun", "--journal", JournalDir);
        Assert.Equal(2, wrongChoice.Exit);
        Assert.Contains("'rerun' is not an answer to a manual step: answer approve or reject", wrongChoice.Err);
        Assert.Single(wrongChoice.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var rejected = work.Cli("answer", id, "gate", "reject", "--journal", JournalDir);
        Assert.True(rejected.Exit == 0, rejected.ToString());
        var run = running.Finish();
        Assert.Equal(1, run.Exit);
        Assert.Contains("ended at 'rejected' (failure)", run.Out);
    }

    [Fact]
    public void A_run_no_process_is_running_is_not_answered_and_resume_is_suggested()
    {
        using var work = new RunWorkspace("answer-gate");
        using var running = work.Start("answer-gate");
        var id = WaitUntilAsking(work, running);
        running.Kill();
        running.Finish();

        var answered = work.Cli("answer", id, "gate", "approve", "--journal", JournalDir);

        Assert.Equal(1, answered.Exit);
        Assert.Contains($"run {id} is not running (no process holds it), so nobody would read the answer; continue it with: playbook resume {id} --journal journal --answer gate=approve", answered.Err);
        // The waiting runner made its (empty) inbox; nothing was posted to it.
        var inbox = Path.Combine(work.JournalDirectory, id + ".answers");
        Assert.False(Directory.Exists(inbox) && Directory.EnumerateFileSystemEntries(inbox).Any());
    }
}
