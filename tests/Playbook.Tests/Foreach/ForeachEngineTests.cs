using Playbook.EngineCore;
using Playbook.Simulation;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.Foreach;

/// <summary>A foreach on the one engine core (here on the virtual clock): its body once per item, at most
/// K at once, per-item captures, results readable by later guards, the failing items named.</summary>
public class ForeachEngineTests
{
    private const string Loop = """
        input ids : list = ["a", "b", "c"]
        foreach move-each "Move each message" {
          each id in `ids`
          parallel 2
          max 10
          step move { shell "mv ${id}" timeout 1m  simulate { duration 10s..10s }  capture moved = `"moved-" + id` }
          on ok   -> ONOK
          on fail -> failed
        }
        decide check {
          when `move_each.results.length == 3 && move_each.results[1].item == "b" && move_each.results[2].outcome == "ok"` -> done
          else -> wrong
        }
        end done success
        end wrong failure "results were not as expected"
        end failed failure
        """;

    private static string Body(string onOk = "check") => Loop.Replace("ONOK", onOk);

    [Fact]
    public async Task Every_item_runs_the_body_and_later_guards_read_each_items_result()
    {
        var result = await Run(Body());
        Assert.True(result.End == "done", string.Join("\n", result.Timeline) + result.Reason);
        var moves = result.Timeline.Where(t => t.State == "move").ToList();
        Assert.Equal(new[] { "move-each[1]", "move-each[2]", "move-each[3]" }, moves.Select(m => m.Branch));
        // Two lanes: items 1 and 2 at once, item 3 when a lane is free: 20s in all, not 30s.
        Assert.Equal(new[] { "0s", "0s", "10s" }, moves.Select(m => Playbook.Text.DurationText.Format(m.At)));
        Assert.Equal(TimeSpan.FromSeconds(20), result.Elapsed);
        Assert.Equal("3 of 3 items ok", result.Timeline.Single(t => t.State == "move-each").Note);
    }

    [Fact]
    public async Task A_failing_item_sends_the_foreach_on_fail_and_the_note_names_it()
    {
        var script = Script(("move-each[2]/move", new[] { Attempt("fail") }));
        var result = await Run(Compile(Body()), script);
        Assert.Equal("failed", result.End);
        var entry = result.Timeline.Single(t => t.State == "move-each");
        Assert.Equal("fail", entry.Outcome);
        Assert.Equal("1 of 3 items failed: b", entry.Note);
        // The other items still ran: a failing item does not stop the rest.
        Assert.Equal(3, result.Timeline.Count(t => t.State == "move"));
    }

    [Fact]
    public async Task Captures_are_per_item_and_one_item_never_sees_another_items_capture()
    {
        var body = Body().Replace(
            "move_each.results.length == 3 && move_each.results[1].item == \"b\" && move_each.results[2].outcome == \"ok\"",
            "move_each.results[0].captures.moved == \"m-a\" && move_each.results[1].captures.moved == \"m-b\" && move_each.results[2].captures.moved === undefined");
        var script = Script(
            ("move-each[1]/move", new[] { Attempt("ok", captures: new() { ["moved"] = "m-a" }) }),
            ("move-each[2]/move", new[] { Attempt("ok", captures: new() { ["moved"] = "m-b" }) }));
        var result = await Run(Compile(body), script);
        Assert.True(result.End == "done", string.Join("\n", result.Timeline));
    }

    [Fact]
    public async Task A_list_longer_than_max_fails_the_foreach_before_any_item_runs()
    {
        var playbook = Compile(Body().Replace("max 10", "max 2"));
        var result = await Run(playbook);
        Assert.Equal("failed", result.End);
        Assert.DoesNotContain(result.Timeline, t => t.State == "move");
        Assert.Contains("its list has 3 items, more than max 2", result.Timeline.Single(t => t.State == "move-each").Note);
    }

    [Fact]
    public async Task One_at_a_time_by_default_and_an_empty_list_is_ok()
    {
        var serial = await Run(Compile(Body().Replace("parallel 2\n", "")));
        Assert.Equal(TimeSpan.FromSeconds(30), serial.Elapsed);

        var empty = await Run(Compile(Body()), inputs: new Dictionary<string, string> { ["ids"] = "" });
        Assert.Equal("wrong", empty.End); // the guard wants three results
        Assert.DoesNotContain(empty.Timeline, t => t.State == "move");
        Assert.Equal("0 of 0 items ok", empty.Timeline.Single(t => t.State == "move-each").Note);
    }
}
