using System.Xml.Linq;
using Playbook.Cli.Commands;
using Xunit;

namespace Playbook.Tests.Scenarios;

/// <summary><c>playbook test</c> in process: pass/fail detection, the failure report, JUnit XML and coverage.</summary>
public class TestCommandTests
{
    private static readonly string E2e = Path.Combine(ScenarioLoaderTests.DataDirectory, "e2e");

    private static (int Exit, string Out, string Err) Run(TestOptions options)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = new TestCommand().Run(options, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Passing_scenarios_exit_0()
    {
        var (exit, output, err) = Run(new TestOptions([Path.Combine(E2e, "pass")]));
        Assert.True(exit == 0, output + err);
        Assert.Contains("  PASS few lines, nothing to do\n", output);
        Assert.Contains("  PASS many lines, pause first\n", output);
        Assert.EndsWith("\n2 passed, 0 failed\n", output);
        Assert.Equal("", err);
    }

    [Fact]
    public void A_wrong_expectation_fails_and_shows_expected_against_actual()
    {
        var (exit, output, _) = Run(new TestOptions([Path.Combine(E2e, "mixed", "wrong.scenarios.yaml")]));
        Assert.Equal(1, exit);
        var expected = string.Join('\n',
            "  FAIL fetch fails, nobody answers",
            "      run       ended at 'done' (success) after 21s",
            "      end       expected failed, got done",
            "      status    expected failure, got success",
            "      path      differs at state 2 (- expected, + actual):",
            "                    fetch",
            "                  - ask",
            "                  - failed",
            "                  + choose",
            "                  + done",
            "      attempts  fetch: expected 1, got 2",
            "      within    took 21s, expected within 10s",
            "      captures  lines: expected 3, got (not captured)",
            "");
        Assert.Contains(expected, output);
        Assert.EndsWith("\n0 passed, 1 failed\n", output);
    }

    [Fact]
    public void Junit_xml_is_well_formed_with_the_right_counts()
    {
        var (exit, output, _) = Run(new TestOptions([Path.Combine(E2e, "mixed"), Path.Combine(E2e, "pass")], TestFormat.JUnit));
        Assert.Equal(1, exit);
        var root = XDocument.Parse(output).Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        Assert.Equal("4", root.Attribute("tests")!.Value);
        Assert.Equal("1", root.Attribute("failures")!.Value);
        Assert.Equal("0", root.Attribute("errors")!.Value);
        var suites = root.Elements("testsuite").ToList();
        Assert.Equal(3, suites.Count);
        var wrong = suites.Single(s => s.Attribute("name")!.Value.EndsWith("wrong.scenarios.yaml", StringComparison.Ordinal));
        Assert.Equal("1", wrong.Attribute("failures")!.Value);
        var failure = wrong.Element("testcase")!.Element("failure")!;
        Assert.Contains("end: expected failed, got done", failure.Attribute("message")!.Value);
        Assert.Contains("- ask", failure.Value);
        Assert.Equal(3, suites.Sum(s => s.Elements("testcase").Count(t => t.Element("failure") is null)));
    }

    [Fact]
    public void Junit_to_a_file_keeps_the_text_report_on_stdout()
    {
        var target = Path.Combine(Path.GetTempPath(), $"playbook-junit-{Guid.NewGuid():N}.xml");
        try
        {
            var (exit, output, _) = Run(new TestOptions([Path.Combine(E2e, "pass")], TestFormat.JUnit, target));
            Assert.Equal(0, exit);
            Assert.EndsWith("2 passed, 0 failed\n", output);
            Assert.Equal("2", XDocument.Load(target).Root!.Attribute("tests")!.Value);
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public void A_file_with_errors_counts_its_scenarios_as_failed_and_junit_reports_errors()
    {
        var file = Path.Combine(ScenarioLoaderTests.DataDirectory, "diagnostics", "pb9013-duplicate-name.scenarios.yaml");
        var (exit, output, _) = Run(new TestOptions([file]));
        Assert.Equal(1, exit);
        Assert.Contains("error PB9013:", output);
        Assert.Contains("  FAIL same name (not run: the scenario file has errors)\n", output);
        Assert.EndsWith("1 scenario file has errors: its scenarios did not run\n0 passed, 2 failed\n", output);

        var (_, xml, _) = Run(new TestOptions([file], TestFormat.JUnit));
        var root = XDocument.Parse(xml).Root!;
        Assert.Equal("2", root.Attribute("errors")!.Value);
        Assert.All(root.Descendants("testcase"), t => Assert.Equal("PB9013", t.Element("error")!.Attribute("type")!.Value));
    }

    [Fact]
    public void Coverage_lists_the_transitions_no_scenario_took()
    {
        var (exit, output, _) = Run(new TestOptions([Path.Combine(E2e, "pass")], Coverage: true));
        Assert.Equal(0, exit);
        var playbook = Path.Combine(ScenarioLoaderTests.DataDirectory, "small.playbook");
        Assert.Contains($"{playbook}:12: state 'fetch': on fail -> ask\n", output);
        Assert.Contains($"{playbook}:26: state 'ask': on approve -> done\n", output);
        Assert.Contains($"{playbook}:27: state 'ask': on reject, timeout -> failed\n", output);
        Assert.DoesNotContain("state 'choose'", output);
        Assert.Contains($"{playbook}: 4 of 7 transitions covered\n", output);
    }

    [Fact]
    public void Bad_usage_exits_2()
    {
        Assert.Equal(2, Run(new TestOptions([Path.Combine(E2e, "no-such-folder")])).Exit);
        Assert.Equal(2, Run(new TestOptions([Path.Combine(ScenarioLoaderTests.DataDirectory, "small.playbook")])).Exit);
        Assert.Equal(2, Run(new TestOptions([Path.Combine(E2e, "pass")], TestFormat.Text, "x.xml")).Exit);
        var empty = Directory.CreateTempSubdirectory("playbook-test-empty-");
        try
        {
            var (exit, _, err) = Run(new TestOptions([empty.FullName]));
            Assert.Equal(2, exit);
            Assert.Contains("no *.scenarios.yaml files", err);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public void The_worker_rollback_scenarios_pass()
    {
        var file = Path.Combine(Cases.CaseFiles.SourceRoot(), "playbooks", "worker-rollback.scenarios.yaml");
        var (exit, output, err) = Run(new TestOptions([file], Coverage: true));
        Assert.True(exit == 0, output + err);
        Assert.DoesNotContain("FAIL", output);
        Assert.Matches(@"\n[4-9]\d* passed, 0 failed\n$", output);
    }

    [Fact]
    public void The_path_diff_marks_the_first_difference_and_shortens_agreement()
    {
        var lines = PathDiff.Render(["a", "b", "c", "d", "e", "f", "x", "z"], ["a", "b", "c", "d", "e", "f", "y", "z"]);
        Assert.Equal(["  … 4 states in both", "  e", "  f", "- x", "+ y", "  z"], lines);
        Assert.Equal(7, PathDiff.FirstDifference(["a", "b", "c", "d", "e", "f", "x"], ["a", "b", "c", "d", "e", "f", "y"]));
    }
}
