using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary><c>approvers</c> and <c>quorum 2</c> with real processes: someone not among the approvers is refused, the
/// first approval alone does not move the run, the same person twice does not count twice, and a second person's
/// approval ends the wait; every approval is journaled with who and from where.</summary>
public class AnswerQuorumEndToEndTests
{
    private static CliProcess.Result Answer(RunWorkspace work, string user, string id, string choice) =>
        CliProcess.Run(work.Directory, new Dictionary<string, string?> { ["USER"] = user }, "answer", id, "gate", choice, "--journal", JournalDir);

    [Fact]
    public void Two_different_approvers_are_needed_and_one_alone_does_not_move_the_run()
    {
        using var work = new RunWorkspace("answer-quorum");
        using var running = work.Start("answer-quorum");
        WaitForRecord(work.SingleJournal, r => Type(r) == "attempt-started" && Str(r, "state") == "gate", running);
        var id = Path.GetFileNameWithoutExtension(work.SingleJournal()!);

        var stranger = Answer(work, "mallory", id, "approve");
        Assert.Equal(1, stranger.Exit);
        Assert.Contains("'gate' may be answered by 'alice', 'bob', 'carol' only, and you are 'mallory'", stranger.Err);

        var first = Answer(work, "alice", id, "approve");
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains("(1 of 2 approvals from different people; the run waits for more)", first.Out);
        WaitForRecord(work.SingleJournal, r => Type(r) == "voted", running);
        // Counted, journaled, and the step still asks.
        Assert.DoesNotContain(Records(work.JournalPath(id)), r => Type(r) == "answered");
        var twice = Answer(work, "alice", id, "approve");
        Assert.Equal(1, twice.Exit);
        Assert.Contains("approved 'gate' already", twice.Err);

        var second = Answer(work, "bob", id, "approve");
        Assert.True(second.Exit == 0, second.ToString());
        var run = running.Finish();
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("ended at 'approved' (success)", run.Out);
        var records = Records(work.JournalPath(id));
        var host = Environment.MachineName;
        Assert.Equal([$"alice@{host}", $"bob@{host}"], records.Where(r => Type(r) == "voted").Select(r => Str(r, "who")));
        Assert.Equal($"alice@{host}, bob@{host}", Str(records.Single(r => Type(r) == "answered"), "who"));
    }

    [Fact]
    public void One_reject_rejects_at_once()
    {
        using var work = new RunWorkspace("answer-quorum");
        using var running = work.Start("answer-quorum");
        WaitForRecord(work.SingleJournal, r => Type(r) == "attempt-started" && Str(r, "state") == "gate", running);
        var id = Path.GetFileNameWithoutExtension(work.SingleJournal()!);

        Assert.Equal(0, Answer(work, "alice", id, "approve").Exit);
        Assert.Equal(0, Answer(work, "carol", id, "reject").Exit);

        var run = running.Finish();
        Assert.Equal(1, run.Exit);
        Assert.Contains("ended at 'rejected' (failure)", run.Out);
    }
}
