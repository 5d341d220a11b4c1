using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary><c>playbook run --rehearse</c> of a foreach: each item's readonly step runs for real, the step that
/// would change things is simulated, and a scenario's <c>items</c> and <c>outcomes</c> decide the list and the
/// items that do not run, as in <c>playbook test</c>.</summary>
public sealed class RehearsalForeachTests
{
    private static RunWorkspace Workspace()
    {
        var work = new RunWorkspace("rehearsal-foreach");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Run", "data", "rehearsal-foreach.scenarios.yaml"), work.PathOf("rehearsal-foreach.scenarios.yaml"));
        return work;
    }

    [Fact]
    public void Each_items_readonly_step_runs_for_real_and_the_step_that_changes_things_is_simulated()
    {
        using var work = Workspace();
        var result = work.Run("rehearsal-foreach", "--rehearse");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(["a", "b", "c"], work.Read("looked.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.False(work.Exists("changed.txt"), result.ToString());
        for (var i = 1; i <= 3; i++)
        {
            Assert.Contains($"each-id[{i}]/look  attempt 1 started (exec real)", result.Out);
            Assert.Contains($"each-id[{i}]/change  attempt 1 started (exec simulated)", result.Out);
        }
        var records = Records(work.SingleJournal()!);
        Assert.Equal(["each-id[1]", "each-id[2]", "each-id[3]"], records.Where(r => Type(r) == "process-started").Select(r => Str(r, "flow")!).Order());
        // Each item's capture is its own.
        var results = records.Single(r => Type(r) == "foreach-ended").GetProperty("results").GetProperty("results");
        Assert.Equal(["seen a", "seen b", "seen c"], results.EnumerateArray().Select(r => r.GetProperty("captures").GetProperty("seen").GetString()));
    }

    [Fact]
    public void A_scenario_gives_the_list_and_an_items_outcome_and_only_the_other_items_run()
    {
        using var work = Workspace();
        var result = work.Run("rehearsal-foreach", "--rehearse", "--scenario", "two-items-one-fails");
        // The scenario's list (x, y) replaces the input's (a, b, c); y fails as the scenario says, without running.
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Equal("x\n", work.Read("looked.txt"));
        Assert.Contains("1 of 2 items failed: y", result.Out);
        var records = Records(work.SingleJournal()!);
        Assert.Equal(["x", "y"], records.Single(r => Type(r) == "foreach-started").GetProperty("items").EnumerateArray().Select(e => e.GetString()));
        // Both items are journaled as started and ended, y with the scenario's outcome.
        var ended = records.Where(r => Type(r) == "item-ended").ToDictionary(r => r.GetProperty("index").GetInt32(), r => Str(r, "outcome"));
        Assert.Equal(new Dictionary<int, string?> { [1] = "ok", [2] = "fail" }, ended);
        Assert.Equal(2, records.Count(r => Type(r) == "item-started"));
        Assert.Equal("scenario", Str(records.Single(r => Type(r) == "item-ended" && r.GetProperty("index").GetInt32() == 2), "given"));
        Assert.Null(Str(records.Single(r => Type(r) == "item-ended" && r.GetProperty("index").GetInt32() == 1), "given"));
    }

    [Fact]
    public void The_rehearsal_report_says_which_items_outcome_the_scenario_gave_and_that_it_is_not_real()
    {
        using var work = Workspace();
        var result = work.Run("rehearsal-foreach", "--rehearse", "--scenario", "two-items-one-fails", "--report", "report.md");
        Assert.True(result.Exit == 1, result.ToString());
        var md = work.Read("report.md");
        Assert.Contains("## Foreach each-id: fail\n\n1 of 2 items failed: y\n", md);
        // x ran its body: its readonly look for real (one attempt each of look and change); y's outcome is the scenario's.
        Assert.Matches(@"\| 1 \| `x` \| ok \| 2 \| [\dmsh]+ \| seen = `seen x` \|", md);
        Assert.Contains("| 2 | `y` | **fail** (given by scenario) | 0 | 0s |  | outcome given by scenario, not real: its body did not run |", md);

        var id = Path.GetFileNameWithoutExtension(work.SingleJournal()!);
        var html = work.Cli("report", id, "--journal", JournalDir, "--format", "html");
        Assert.True(html.Exit == 0, html.ToString());
        Assert.Contains("<td class=\"fail\">fail (given by scenario)</td><td>0</td>", html.Out);
        Assert.Contains("outcome given by scenario, not real: its body did not run", html.Out);
    }
}
