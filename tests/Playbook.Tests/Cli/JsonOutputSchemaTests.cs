using System.Text.Json;
using System.Text.Json.Nodes;
using Playbook.Tests.RealRuns;
using Playbook.Tests.Resume;
using Xunit;

namespace Playbook.Tests.Cli;

/// <summary>Every <c>--format json</c> output, produced by the real command on real input, matches its schema in
/// schemas/ (checked with JsonSchema.Net), carries its version, and the schemas refuse a document of the wrong shape.</summary>
public class JsonOutputSchemaTests
{
    private static readonly string Root = Library.PlaybookLibraryTests.RepositoryRoot();

    private static string Cli(params string[] args)
    {
        var result = CliProcess.Run(Root, args);
        Assert.True(result.Exit is 0 or 1, result.ToString());
        return result.Out;
    }

    [Fact]
    public void Validate_json_of_clean_playbooks_and_of_every_diagnostic_case_matches_its_schema()
    {
        var clean = Cli("validate", "playbooks/", "--format", "json");
        OutputSchemas.AssertValid("validate.schema.json", clean);
        Assert.Equal(1, JsonDocument.Parse(clean).RootElement.GetProperty("version").GetInt32());

        // Every error and warning the checker has a case for: hints, spans, severities of every kind.
        var cases = Cli("validate", "tests/Playbook.Tests/Cases/data", "--format", "json");
        OutputSchemas.AssertValid("validate.schema.json", cases);
        var diagnostics = JsonDocument.Parse(cases).RootElement.GetProperty("diagnostics").EnumerateArray().ToList();
        Assert.Contains(diagnostics, d => d.GetProperty("severity").GetString() == "warning");
        Assert.Contains(diagnostics, d => d.GetProperty("hint").ValueKind == JsonValueKind.String);
        Assert.True(diagnostics.Count > 100, $"only {diagnostics.Count} diagnostics");
    }

    [Fact]
    public void Test_json_of_passing_failing_and_broken_scenario_files_matches_its_schema()
    {
        var passing = Cli("test", "playbooks/", "--format", "json", "--coverage");
        OutputSchemas.AssertValid("test.schema.json", passing);
        var root = JsonDocument.Parse(passing).RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        Assert.True(root.GetProperty("passed").GetInt32() > 10);
        Assert.NotEmpty(root.GetProperty("coverage").EnumerateArray());

        var dir = Directory.CreateTempSubdirectory("playbook-test-json-").FullName;
        try
        {
            File.Copy(Path.Combine(Root, "tests/Playbook.Tests/Scenarios/data/small.playbook"), Path.Combine(dir, "small.playbook"));
            File.WriteAllText(Path.Combine(dir, "small.scenarios.yaml"), """
                playbook: small.playbook
                scenarios:
                  - name: goes where expected
                    inputs: { region: eu }
                    expect: { end: done }
                  - name: expects the wrong end and attempts
                    inputs: { region: eu }
                    steps: { fetch: { outcome: fail } }
                    expect: { end: done, attempts: { fetch: 1 } }
                """);
            File.WriteAllText(Path.Combine(dir, "broken.scenarios.yaml"), """
                playbook: small.playbook
                scenarios:
                  - name: typo in a key
                    expcet: { end: done }
                """);
            var result = CliProcess.Run(dir, "test", ".", "--format", "json");
            Assert.True(result.Exit == 1, result.ToString());
            OutputSchemas.AssertValid("test.schema.json", result.Out);
            var files = JsonDocument.Parse(result.Out).RootElement.GetProperty("files").EnumerateArray().ToList();
            var broken = files.Single(f => f.GetProperty("file").GetString()!.EndsWith("broken.scenarios.yaml", StringComparison.Ordinal));
            Assert.Contains(broken.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("id").GetString() == "PB9002");
            Assert.Equal("not-run", broken.GetProperty("scenarios")[0].GetProperty("result").GetString());
            var scenarios = files.Single(f => f.GetProperty("file").GetString()!.EndsWith("small.scenarios.yaml", StringComparison.Ordinal)).GetProperty("scenarios").EnumerateArray().ToList();
            Assert.Equal(["passed", "failed"], scenarios.Select(s => s.GetProperty("result").GetString()));
            Assert.Contains(scenarios[1].GetProperty("mismatches").EnumerateArray(), m => m.GetProperty("kind").GetString() == "attempts");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Simulate_json_of_a_run_the_worst_case_and_monte_carlo_matches_its_schema()
    {
        string[][] invocations =
        [
            ["simulate", "playbooks/worker-rollback.playbook", "--fail", "tail", "--fail", "rollback=2", "--format", "json"],
            ["simulate", "playbooks/partial-failure.playbook", "--worst-case", "--format", "json"],
            ["simulate", "playbooks/partial-failure.playbook", "--runs", "300", "--seed", "7", "--format", "json"],
        ];
        var modes = new List<string>();
        foreach (var args in invocations)
        {
            var json = Cli(args);
            OutputSchemas.AssertValid("simulate.schema.json", json);
            var root = JsonDocument.Parse(json).RootElement;
            Assert.Equal(1, root.GetProperty("version").GetInt32());
            modes.Add(root.GetProperty("mode").GetString()!);
        }
        Assert.Equal(["run", "worst-case", "monte-carlo"], modes);
    }

    [Fact]
    public void Runs_json_with_ended_and_unreadable_journals_matches_its_schema()
    {
        using var work = new RunWorkspace("aborts", "fails-with-rto");
        work.Run("aborts");
        work.Run("fails-with-rto");
        // A journal with a wrong-typed field: listed as unreadable, with its problem.
        var bad = RunWorkspace.RunIdOf(work.Run("aborts"));
        JournalEdits.Rewrite(work.JournalPath(bad), r =>
        {
            if (JournalEdits.Type(r) == "run-started") r["inputs"] = new JsonObject { ["port"] = 6379 };
            return r;
        });

        var result = work.Cli("runs", "--journal", RunWorkspace.JournalDir, "--format", "json");

        Assert.True(result.Exit == 0, result.ToString());
        OutputSchemas.AssertValid("runs.schema.json", result.Out);
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        var statuses = root.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("status").GetString()).Order().ToList();
        Assert.Equal(["aborted", "failure", "unreadable"], statuses);
        Assert.Contains("which is not a string", result.Out);
    }

    [Theory]
    [InlineData("version", "2", "/version")]
    [InlineData("line", "\"12\"", "/diagnostics/0/line")]
    [InlineData("severity", "\"fatal\"", "/diagnostics/0/severity")]
    [InlineData("colour", "\"red\"", "/diagnostics/0/colour")]
    public void The_validate_schema_refuses_a_wrong_version_type_value_or_unknown_field(string field, string value, string where)
    {
        var json = JsonNode.Parse(Cli("validate", "tests/Playbook.Tests/Cases/data", "--format", "json"))!;
        if (field == "version") json["version"] = JsonNode.Parse(value);
        else json["diagnostics"]![0]![field] = JsonNode.Parse(value);

        var problems = OutputSchemas.Problems("validate.schema.json", json.ToJsonString());

        Assert.NotEmpty(problems);
        Assert.Contains(problems, p => p.StartsWith(where + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_simulate_schema_refuses_a_run_document_missing_a_field_or_with_another_mode()
    {
        var run = JsonNode.Parse(Cli("simulate", "playbooks/worker-rollback.playbook", "--format", "json"))!.AsObject();
        run.Remove("elapsed_ms");
        Assert.NotEmpty(OutputSchemas.Problems("simulate.schema.json", run.ToJsonString()));

        var other = JsonNode.Parse(Cli("simulate", "playbooks/worker-rollback.playbook", "--format", "json"))!;
        other["mode"] = "worst-case";
        Assert.NotEmpty(OutputSchemas.Problems("simulate.schema.json", other.ToJsonString()));
    }
}
