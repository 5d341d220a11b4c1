using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>A real run of a foreach: each item's step runs once, in order; a run killed inside the foreach
/// resumes at the item it was in: finished items are not run again.</summary>
public sealed class ForeachRunTests
{
    [Fact]
    public void Every_item_runs_once_and_the_output_names_each_item()
    {
        using var work = new RunWorkspace("foreach-touch");
        var result = work.Run("foreach-touch", "--input", "ids=x,y");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal("x\ny\n", work.Read("touched.txt"));
        Assert.Contains("touch-each[1]/touch", result.Out);
        Assert.Contains("touch-each[2]/touch", result.Out);
    }

    [Fact]
    public void A_run_killed_inside_the_foreach_resumes_at_that_item_and_no_finished_item_runs_again()
    {
        using var work = new RunWorkspace("foreach-touch");
        using (var running = work.Start("foreach-touch"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(work.Exists("touched.txt") && work.Read("touched.txt").Contains('b')) && DateTime.UtcNow < deadline) Thread.Sleep(100);
            Assert.True(work.Exists("touched.txt") && work.Read("touched.txt").Contains('b'), "item b never started");
            running.Kill();
            running.Finish();
        }
        // Item b's step is not idempotent and was in flight: without an answer the resume asks and runs nothing.
        var asked = work.Resume();
        Assert.NotEqual(0, asked.Exit);
        Assert.Contains("--answer touch=", asked.Err + asked.Out);
        Assert.Equal("a\nb\n", work.Read("touched.txt"));

        // The killed run left item b's sleep running: stop it, and count the step as done.
        var resumed = work.Resume("--answer", "touch=kill", "--answer", "touch=skip");
        Assert.True(resumed.Exit == 0, resumed.ToString());
        // a is not run again, b counts as done, c runs once.
        Assert.Equal("a\nb\nc\n", work.Read("touched.txt"));
        Assert.Contains("touch-each[3]/touch", resumed.Out);
    }
}
