using Xunit;

namespace Playbook.Tests.Scenarios;

/// <summary>The built <c>playbook</c> executable (<c>dotnet playbook.dll test …</c>) on folders of
/// scenario files: exit codes, the "N passed, M failed" line CI reads, and nothing internal leaking.</summary>
public class TestCliEndToEndTests
{
    private static readonly string DataDirectory = ScenarioLoaderTests.DataDirectory;

    private static CliProcess.Result Run(params string[] args) => CliProcess.Run(DataDirectory, args);

    [Fact]
    public void All_passing_exits_0()
    {
        var result = Run("test", Path.Combine("e2e", "pass"));
        Assert.True(result.Exit == 0, result.ToString());
        Assert.EndsWith("\n2 passed, 0 failed\n", result.Out);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void A_failing_scenario_exits_1_with_the_summary_line()
    {
        var result = Run("test", "e2e");
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains(Path.Combine("e2e", "mixed", "good.scenarios.yaml") + "\n  PASS fetch fails twice, the operator approves\n", result.Out);
        Assert.Contains(Path.Combine("e2e", "mixed", "wrong.scenarios.yaml") + "\n  FAIL fetch fails, nobody answers\n", result.Out);
        Assert.Contains("      end       expected failed, got done\n", result.Out);
        // foreach/dead-letter holds four passing scenarios of a foreach (scripted per item as NAME[i]/STATE).
        Assert.Contains(Path.Combine("e2e", "foreach", "dead-letter.scenarios.yaml") + "\n  PASS", result.Out);
        Assert.EndsWith("\n7 passed, 1 failed\n", result.Out);
        // Files in sorted order: foreach/dead-letter, mixed/good, mixed/wrong, pass/small.
        Assert.True(result.Out.IndexOf("dead-letter.scenarios", StringComparison.Ordinal) < result.Out.IndexOf("good.scenarios", StringComparison.Ordinal));
        Assert.True(result.Out.IndexOf("good.scenarios", StringComparison.Ordinal) < result.Out.IndexOf("wrong.scenarios", StringComparison.Ordinal));
        Assert.True(result.Out.IndexOf("wrong.scenarios", StringComparison.Ordinal) < result.Out.IndexOf("small.scenarios", StringComparison.Ordinal));
    }

    [Fact]
    public void Junit_on_stdout_parses()
    {
        var result = Run("test", "--format", "junit", "e2e");
        Assert.True(result.Exit == 1, result.ToString());
        var root = System.Xml.Linq.XDocument.Parse(result.Out).Root!;
        Assert.Equal("8", root.Attribute("tests")!.Value);
        Assert.Equal("1", root.Attribute("failures")!.Value);
    }

    [Fact]
    public void A_scenario_file_with_errors_exits_1()
    {
        var result = Run("test", Path.Combine("diagnostics", "pb9007-unknown-state.scenarios.yaml"));
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("pb9007-unknown-state.scenarios.yaml:6:7: error PB9007: 'fetsh' is not a state of playbook 'small'\n", result.Out);
        Assert.EndsWith("0 passed, 1 failed\n", result.Out);
    }

    [Fact]
    public void Missing_path_and_bad_options_exit_2()
    {
        var missing = Run("test", "no-such-dir");
        Assert.True(missing.Exit == 2, missing.ToString());
        Assert.Contains("cannot read 'no-such-dir': no such file or directory", missing.Err);
        var format = Run("test", "--format", "xml", "e2e");
        Assert.True(format.Exit == 2, format.ToString());
        var none = Run("test");
        Assert.True(none.Exit == 2, none.ToString());
    }
}
