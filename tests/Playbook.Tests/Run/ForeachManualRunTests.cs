using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>A manual step in a foreach body is asked once per item, and the question names the item
/// (<c>approve-each[2]/approve</c>): <c>--answer NAME[i]/STATE=…</c> answers that item alone, before
/// <c>--answer STATE=…</c>, which answers every item.</summary>
public sealed class ForeachManualRunTests
{
    private static List<string> Moved(RunWorkspace work) =>
        work.Exists("moved.txt") ? work.Read("moved.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList() : [];

    [Fact]
    public void One_items_answer_comes_before_the_answer_for_every_item()
    {
        using var work = new RunWorkspace("foreach-approve");
        var result = work.Run("foreach-approve", "--answer", "approve=approve", "--answer", "approve-each[2]/approve=reject");
        Assert.True(result.Exit == 1, result.ToString());
        // b was rejected by its own answer; a and c were approved by the answer for every item.
        Assert.Equal(["a", "c"], Moved(work));
        var answered = work.Records(result).Where(r => RunWorkspace.Type(r) == "answered").ToList();
        Assert.Equal(["approve-each[1]", "approve-each[2]", "approve-each[3]"], answered.Select(r => RunWorkspace.Str(r, "flow")));
        Assert.Equal(["approve", "reject", "approve"], answered.Select(r => RunWorkspace.Str(r, "answer")));
        Assert.All(answered, r => Assert.Equal("--answer", RunWorkspace.Str(r, "who")));
        Assert.Contains("1 of 3 items failed: b", result.Out);
    }

    [Fact]
    public void An_unanswered_item_is_asked_by_its_items_address_and_waits_until_its_timeout()
    {
        using var work = new RunWorkspace("foreach-approve");
        var result = work.Run("foreach-approve", "--answer", "approve-each[1]/approve=approve", "--answer", "approve-each[3]/approve=approve");
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Equal(["a", "c"], Moved(work));
        // The question and the way to answer it name the item, not only the step.
        Assert.Contains("approve-each[2]/approve  asks: Move b?", result.Out);
        Assert.Contains("--answer approve-each[2]/approve=approve", result.Out + result.Err);
        // Before the run: the step is listed as nobody's to answer, with the per-item form.
        Assert.Contains("one item alone: --answer approve-each[1]/approve=approve", result.Err);
        var timedOut = work.Records(result).Single(r => RunWorkspace.Type(r) == "answered" && RunWorkspace.Str(r, "flow") == "approve-each[2]");
        Assert.Equal("timeout", RunWorkspace.Str(timedOut, "answer"));
    }

    [Fact]
    public void An_item_address_that_names_no_item_is_refused_before_anything_runs()
    {
        using var work = new RunWorkspace("foreach-approve");
        var zero = work.Run("foreach-approve", "--answer", "approve-each[0]/approve=approve");
        Assert.True(zero.Exit == 2, zero.ToString());
        Assert.Contains("an item is numbered from 1", zero.Err);
        var wrong = work.Run("foreach-approve", "--answer", "approve-each[1]/approve=skip");
        Assert.True(wrong.Exit == 2, wrong.ToString());
        Assert.Contains("is a manual step: answer approve or reject", wrong.Err);
        // A step (not manual) of one item is still answered only on resume.
        var step = work.Run("foreach-approve", "--answer", "approve-each[1]/move=skip");
        Assert.True(step.Exit == 2, step.ToString());
        Assert.Contains("answered only on resume", step.Err);
        Assert.False(work.Exists("moved.txt"));
    }
}
