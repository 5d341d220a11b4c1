using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.Foreach;

/// <summary>A phase's budget that runs out while foreach items run (on the virtual clock): the items in flight are cut
/// off at the deadline, the items no lane was free for never start, and the run takes the phase's <c>on timeout</c>.</summary>
public class ForeachDeadlineTests
{
    private const string Loop = """
        input ids : list = ["a", "b", "c", "d", "e"]
        phase moving "Move them" within 15s {
          foreach move-each "Move each message" {
            each id in `ids`
            parallel 2
            max 10
            step move { shell "mv ${id}" timeout 1m  simulate { duration 10s..10s } }
            on ok   -> done
            on fail -> failed
          }
          on timeout -> check
        }
        decide check {
          when `move_each.results[1].outcome == "ok" && move_each.results[2].outcome == "cancelled" && move_each.results[4].outcome == "cancelled"` -> late
          else -> wrong
        }
        end done success
        end failed failure
        end late failure "out of time"
        end wrong failure "results were not as expected"
        """;

    [Fact]
    public async Task Items_in_flight_are_cut_off_at_the_deadline_the_rest_never_start_and_the_phase_times_out()
    {
        var result = await Run(Loop);
        Assert.True(result.End == "late", string.Join("\n", result.Timeline) + result.Reason);
        // Two lanes: a and b end at 10s; c and d start then and are stopped at 15s, the budget; e never starts.
        Assert.Equal(TimeSpan.FromSeconds(15), result.Elapsed);
        var moves = result.Timeline.Where(t => t.State == "move").ToDictionary(t => t.Branch!);
        Assert.Equal(["move-each[1]", "move-each[2]", "move-each[3]", "move-each[4]"], moves.Keys.Order());
        Assert.Equal(("deadline", TimeSpan.FromSeconds(5)), (moves["move-each[3]"].Outcome, moves["move-each[3]"].Duration));
        Assert.Equal("ok", moves["move-each[1]"].Outcome);
        var cut = result.Timeline.Where(t => t.State == "move-each" && t.Outcome == "cancelled").ToList();
        Assert.Equal(["move-each[3]", "move-each[4]"], cut.Select(t => t.Branch));
        Assert.All(cut, t => Assert.Equal("cut off: phase 'moving' ran out of its 15s budget", t.Note));
        var loop = result.Timeline.Single(t => t.State == "move-each" && t.Branch is null);
        Assert.Equal("deadline", loop.Outcome);
        Assert.Equal("2 of 5 items ok; phase 'moving' ran out of its 15s budget: 2 cut off, 1 not started", loop.Note);
    }

    [Fact]
    public async Task One_at_a_time_the_item_in_flight_is_cut_off_and_a_failed_item_is_still_named()
    {
        var body = Loop.Replace("parallel 2\n", "");
        var script = Script(("move-each[1]/move", new[] { Attempt("fail", "2s") }));
        var result = await Run(Compile(body), script);
        Assert.True(result.End == "late", string.Join("\n", result.Timeline) + result.Reason);
        // a fails at 2s, b ends at 12s, c is stopped at 15s; d and e never start.
        Assert.Equal("1 of 5 items ok, 1 failed: a; phase 'moving' ran out of its 15s budget: 1 cut off, 2 not started",
            result.Timeline.Single(t => t.State == "move-each" && t.Branch is null).Note);
        Assert.Equal(3, result.Timeline.Count(t => t.State == "move"));
    }

    [Fact]
    public async Task A_foreach_that_ends_within_the_budget_is_not_touched_by_it()
    {
        var result = await Run(Loop.Replace("within 15s", "within 30s"));
        Assert.Equal("done", result.End);
        Assert.Equal("5 of 5 items ok", result.Timeline.Single(t => t.State == "move-each" && t.Branch is null).Note);
    }
}
