using Xunit;

namespace Playbook.Tests.RealRuns;

/// <summary>A real run of a foreach: each item's step runs once, in order; a run killed inside the foreach
/// is not resumed by running items again (per-item resume is not built yet: the resume refuses).</summary>
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
    public void A_run_killed_inside_the_foreach_is_refused_by_resume_and_no_item_runs_again()
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
        var resumed = work.Resume();
        Assert.NotEqual(0, resumed.Exit);
        Assert.Contains("touch-each[1]", resumed.Err);
        Assert.Equal("a\nb\n", work.Read("touched.txt"));
    }
}
