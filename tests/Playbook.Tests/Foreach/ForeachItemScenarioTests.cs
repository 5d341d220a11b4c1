using Xunit;

namespace Playbook.Tests.Foreach;

/// <summary>A scenario addresses one foreach item: <c>answers</c> for one item's manual step, a list of attempts for one
/// item's step, and <c>expect.attempts</c> counted for one item — each by <c>NAME[i]/STATE</c>.</summary>
public class ForeachItemScenarioTests
{
    private static readonly string Folder = Path.Combine(Scenarios.ScenarioLoaderTests.DataDirectory, "foreach-items");

    private static async Task<Playbook.Simulation.Scenarios.ScenarioResult> RunScenario(string startsWith, string? yaml = null)
    {
        var session = new Playbook.Simulation.Scenarios.ScenarioSession();
        var file = yaml is null
            ? session.Load(Path.Combine(Folder, "approve-each.scenarios.yaml"))
            : session.LoadText(Path.Combine(Folder, "inline.scenarios.yaml"), yaml);
        Assert.Empty(file.Diagnostics);
        return await session.RunAsync(file, file.Scenarios.Single(s => s.Name.StartsWith(startsWith, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task One_items_manual_step_is_answered_by_its_address_and_the_others_by_default()
    {
        var result = await RunScenario("one item is rejected");
        Assert.True(result.Passed, string.Join("; ", result.Mismatches));
        var asked = result.Run!.Timeline.Where(t => t.State == "approve").ToDictionary(t => t.Branch!);
        Assert.Equal(("reject", "answered by scenario"), (asked["move-each[2]"].Outcome, asked["move-each[2]"].Note));
        Assert.Equal(("approve", "default answer: nobody answered"), (asked["move-each[1]"].Outcome, asked["move-each[1]"].Note));
    }

    [Fact]
    public async Task An_items_own_answer_comes_before_the_answer_for_every_item()
    {
        var result = await RunScenario("an item's own answer");
        Assert.True(result.Passed, string.Join("; ", result.Mismatches));
        Assert.Equal(["reject", "reject", "approve"], result.Run!.Timeline.Where(t => t.State == "approve").OrderBy(t => t.Branch).Select(t => t.Outcome));
    }

    [Fact]
    public async Task One_items_attempts_are_scripted_and_expected_by_its_address()
    {
        var result = await RunScenario("one item's move fails once");
        Assert.True(result.Passed, string.Join("; ", result.Mismatches));
        Assert.Equal(["fail", "ok"], result.Run!.Timeline.Where(t => t.State == "move" && t.Branch == "move-each[2]").Select(t => t.Outcome));
    }

    [Fact]
    public async Task An_items_attempts_that_differ_are_reported_under_the_items_address()
    {
        var yaml = "playbook: approve-each.playbook\nscenarios:\n  - name: wrong\n    steps:\n      \"move-each[2]/move\": [ { outcome: fail }, { outcome: ok } ]\n" +
                   "    expect: { attempts: { \"move-each[2]/move\": 1, \"move-each[3]/move\": 1 } }\n";
        var result = await RunScenario("wrong", yaml);
        var miss = Assert.Single(result.Mismatches);
        Assert.Equal(("attempts", "move-each[2]/move", "1", "2"), (miss.Kind, miss.Key, miss.Expected, miss.Actual));
    }

    [Theory]
    [InlineData("expect: { end: moved, attempts: { \"move-each[2]/moved\": 1 } }", "PB9004", "'moved' is not a state in the body of foreach 'move-each'", 5)]
    [InlineData("expect: { end: moved, attempts: { \"move-eahc[2]/move\": 1 } }", "PB9007", "move-eahc[2]/move", 5)]
    [InlineData("answers: { \"move-each[2]/approve\": maybe }\n    expect: { end: moved }", "PB9009", "maybe", 5)]
    public void A_wrong_item_address_in_a_scenario_is_refused_with_its_line(string entry, string id, string message, int line)
    {
        var text = "playbook: approve-each.playbook\nscenarios:\n  - name: bad\n    steps: {}\n    " + entry + "\n";
        var file = new Playbook.Simulation.Scenarios.ScenarioSession().LoadText(Path.Combine(Folder, "bad.scenarios.yaml"), text);
        var d = Assert.Single(file.Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Contains(message, d.Message);
        Assert.Equal(line, d.Start.Line);
    }
}
