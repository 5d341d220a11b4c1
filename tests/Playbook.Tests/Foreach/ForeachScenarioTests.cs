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
