using Playbook.Cli.Commands;
using Xunit;

namespace Playbook.Tests.Foreach;

/// <summary><c>playbook test</c> on a foreach: a list input from a scenario, one item scripted by its address.</summary>
public class ForeachScenarioTests
{
    private static readonly string Folder = Path.Combine(Scenarios.ScenarioLoaderTests.DataDirectory, "e2e", "foreach");

    [Fact]
    public void Scenarios_give_the_list_and_script_one_item()
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = new TestCommand().Run(new TestOptions([Folder]), stdout, stderr);
        var output = stdout.ToString();
        Assert.True(exit == 0, output + stderr);
        Assert.Contains("PASS every item moves, two at a time", output);
        Assert.Contains("PASS the second item fails and the foreach escalates", output);
        Assert.Contains("PASS the scenario gives the list and one failing item by its value", output);
        Assert.Contains("PASS items the scenario gives override the input, and all ending ok moves them", output);
    }

    [Fact]
    public async Task Scenario_items_replace_the_list_and_an_outcome_ends_its_item_without_running_the_body()
    {
        var session = new Playbook.Simulation.Scenarios.ScenarioSession();
        var file = session.Load(Path.Combine(Folder, "dead-letter.scenarios.yaml"));
        Assert.Empty(file.Diagnostics);
        var scenario = file.Scenarios.Single(s => s.Name.StartsWith("the scenario gives the list", StringComparison.Ordinal));
        var result = await session.RunAsync(file, scenario);
        Assert.True(result.Passed, string.Join("; ", result.Mismatches));
        var timeline = result.Run!.Timeline;
        // Six items from the scenario (not the input's three); m4 is failed by the scenario, the others run their body.
        Assert.Equal(5, timeline.Count(e => e.State == "move" && e.Branch is not null));
        Assert.DoesNotContain(timeline, e => e.State == "move" && e.Branch == "move-all[4]");
        var told = Assert.Single(timeline, e => e.State == "move-all" && e.Branch == "move-all[4]");
        Assert.Equal(("fail", "item outcome given by scenario"), (told.Outcome, told.Note));
        Assert.Equal("1 of 6 items failed: m4", timeline.Single(e => e.State == "move-all" && e.Branch is null).Note);
    }

    [Theory]
    [InlineData("move-all: { items: [a, b], outcomes: { c: fail } }", "PB9570", "'c' in the outcomes of foreach 'move-all' is not one of the scenario's items: its items are a and b")]
    [InlineData("move-all: { outcomes: { a: fail } }", "PB9570", "the scenario gives no 'items'")]
    [InlineData("move-all: { items: [a], outcomes: { a: broken } }", "PB9009", "cannot have outcome 'broken': use ok or fail")]
    [InlineData("move-all: { items: [a, [b]] }", "PB9004", "an item of foreach 'move-all' must be text or a number")]
    [InlineData("move-all: { items: a }", "PB9004", "'items' of foreach 'move-all' must be a list")]
    [InlineData("move-all: { itmes: [a] }", "PB9002", "'itmes' is not a key of foreach 'move-all'")]
    public void A_wrong_foreach_script_is_refused_with_its_id(string entry, string id, string message)
    {
        var text = "playbook: " + Path.Combine(Folder, "dead-letter.playbook") + "\nscenarios:\n  - name: bad\n    steps:\n      " + entry + "\n    expect: { end: escalate }\n";
        var file = new Playbook.Simulation.Scenarios.ScenarioSession().LoadText(Path.Combine(Folder, "bad.scenarios.yaml"), text);
        var d = Assert.Single(file.Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Contains(message, d.Message);
        Assert.Equal(5, d.Start.Line);
    }

    [Fact]
    public void A_script_for_a_state_outside_the_body_is_refused()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pb-foreach-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.Copy(Path.Combine(Folder, "dead-letter.playbook"), Path.Combine(dir, "dead-letter.playbook"));
            File.WriteAllText(Path.Combine(dir, "bad.scenarios.yaml"),
                "playbook: dead-letter.playbook\nscenarios:\n  - name: bad\n    steps:\n      \"move-all[2]/moved\": { outcome: fail }\n    expect: { end: escalate }\n");
            var stdout = new StringWriter { NewLine = "\n" };
            var stderr = new StringWriter { NewLine = "\n" };
            var exit = new TestCommand().Run(new TestOptions([dir]), stdout, stderr);
            Assert.NotEqual(0, exit);
            Assert.Contains("'moved' is not a state in the body of foreach 'move-all'", stdout.ToString() + stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
