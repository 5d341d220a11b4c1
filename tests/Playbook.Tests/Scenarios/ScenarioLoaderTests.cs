using System.Reflection;
using Playbook.Diagnostics;
using Playbook.Simulation.Scenarios;
using Xunit;

namespace Playbook.Tests.Scenarios;

/// <summary>Each PB9xxx diagnostic, reported at its exact line and column in a small scenario file
/// (Scenarios/data/diagnostics), alone: no other diagnostic comes with it.</summary>
public class ScenarioLoaderTests
{
    internal static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "Scenarios", "data");

    private static IReadOnlyList<Diagnostic> Load(string file) =>
        new ScenarioSession().Load(Path.Combine(DataDirectory, "diagnostics", file)).Diagnostics;

    [Theory]
    [InlineData("pb9001-yaml-syntax.scenarios.yaml", "PB9001", 5, 1)]
    [InlineData("pb9002-unknown-key.scenarios.yaml", "PB9002", 5, 5)]
    [InlineData("pb9003-missing-key.scenarios.yaml", "PB9003", 3, 5)]
    [InlineData("pb9004-invalid-value.scenarios.yaml", "PB9004", 5, 23)]
    [InlineData("pb9005-playbook-not-found.scenarios.yaml", "PB9005", 2, 11)]
    [InlineData("pb9006-playbook-has-errors.scenarios.yaml", "PB9006", 1, 11)]
    [InlineData("pb9007-unknown-state.scenarios.yaml", "PB9007", 6, 7)]
    [InlineData("pb9008-invalid-duration.scenarios.yaml", "PB9008", 6, 39)]
    [InlineData("pb9009-impossible-outcome.scenarios.yaml", "PB9009", 6, 46)]
    [InlineData("pb9010-invalid-input.scenarios.yaml", "PB9010", 4, 34)]
    [InlineData("pb9011-unknown-end.scenarios.yaml", "PB9011", 6, 12)]
    [InlineData("pb9012-state-not-scripted.scenarios.yaml", "PB9012", 6, 7)]
    [InlineData("pb9013-duplicate-name.scenarios.yaml", "PB9013", 6, 11)]
    [InlineData("pb9014-unknown-capture.scenarios.yaml", "PB9014", 6, 28)]
    [InlineData("pb9570-unknown-item.scenarios.yaml", "PB9570", 5, 49)]
    public void Reports_the_diagnostic_at_its_position(string file, string id, int line, int column)
    {
        var diagnostics = Load(file);
        var d = Assert.Single(diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Equal((line, column), (d.Start.Line, d.Start.Column));
        Assert.EndsWith(file, d.Source.Path);
    }

    [Fact]
    public void A_typed_capture_scripted_with_a_value_of_another_type_is_refused()
    {
        var d = Assert.Single(Load("pb9004-typed-capture.scenarios.yaml"));
        Assert.Equal(("PB9004", 5, 37), (d.Id, d.Start.Line, d.Start.Column));
        Assert.Equal("capture 'pending' of step 'count' is typed int: script a whole number, like 42", d.Message);
        Assert.Empty(new ScenarioSession().Load(Path.Combine(DataDirectory, "typed.scenarios.yaml")).Diagnostics);
    }

    [Fact]
    public void Every_scenario_diagnostic_has_a_position_test()
    {
        var tested = typeof(ScenarioLoaderTests).GetMethod(nameof(Reports_the_diagnostic_at_its_position))!
            .GetCustomAttributes<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).First()[1])
            .ToHashSet();
        var ids = DiagnosticCatalog.All.Select(d => d.Id).Where(id => id.StartsWith("PB9", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains(id, tested));
    }

    [Fact]
    public void Suggestions_name_the_state_capture_key_and_input_meant()
    {
        Assert.Equal("did you mean 'fetch'?", Load("pb9007-unknown-state.scenarios.yaml")[0].Hint);
        Assert.Equal("did you mean 'lines'?", Load("pb9014-unknown-capture.scenarios.yaml")[0].Hint);
        Assert.Equal("did you mean 'expect'?", Load("pb9002-unknown-key.scenarios.yaml")[0].Hint);
        Assert.Contains("'many' is not a whole number", Load("pb9010-invalid-input.scenarios.yaml")[0].Message);
    }

    private static IReadOnlyList<Diagnostic> LoadText(string text) =>
        new ScenarioSession().LoadText(Path.Combine(DataDirectory, "inline.scenarios.yaml"), text).Diagnostics;

    [Fact]
    public void A_timeout_only_for_a_state_that_has_one()
    {
        // 'fetch' has 'timeout 1m'; 'ask' has 'timeout 5m'; a polling-free wait cannot be scripted at all.
        var ok = LoadText("playbook: small.playbook\nscenarios:\n  - name: t\n    inputs: { region: eu }\n    steps: { fetch: { outcome: timeout } }\n    answers: { ask: timeout }\n    expect: { end: done }\n");
        Assert.Empty(ok);
        var bad = LoadText("playbook: small.playbook\nscenarios:\n  - name: t\n    inputs: { region: eu }\n    steps: { pause: { outcome: ok } }\n    expect: { end: done }\n");
        var d = Assert.Single(bad);
        Assert.Equal("PB9012", d.Id);
        Assert.Equal((5, 14), (d.Start.Line, d.Start.Column));
    }

    [Fact]
    public void A_missing_required_input_is_reported()
    {
        var d = Assert.Single(LoadText("playbook: small.playbook\nscenarios:\n  - name: no region\n    expect: { end: done }\n"));
        Assert.Equal("PB9010", d.Id);
        Assert.Contains("must give input 'region'", d.Message);
        Assert.Equal((3, 11), (d.Start.Line, d.Start.Column));
    }

    [Theory]
    [InlineData("")]
    [InlineData("just text")]
    [InlineData("- a\n- b\n")]
    [InlineData("playbook: small.playbook\nscenarios: []\n")]
    [InlineData("playbook: small.playbook\nscenarios:\n  - 42\n")]
    [InlineData("playbook: [x]\nscenarios:\n  - name: a\n    expect: { end: done }\n")]
    [InlineData("a: &a [*a]\n")]
    [InlineData("{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{")]
    [InlineData("playbook: small.playbook\nplaybook: other.playbook\n")]
    [InlineData("playbook: small.playbook\nscenarios:\n  - name: x\n    steps: { fetch: { outputs: { response: { status: [1, {a: *b}] } } } }\n")]
    public void Bad_files_give_diagnostics_never_exceptions(string text)
    {
        var diagnostics = LoadText(text);
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.StartsWith("PB9", d.Id));
    }

    [Fact]
    public void Values_keep_their_yaml_types()
    {
        var file = new ScenarioSession().LoadText(Path.Combine(DataDirectory, "inline.scenarios.yaml"),
            "playbook: small.playbook\nscenarios:\n  - name: t\n    inputs: { region: eu }\n    steps:\n      fetch: { outcome: ok, duration: 1h2m, outputs: { stdout: \"42\", exit_code: 0, response: { status: 200, json: { ok: true, n: [1, 2.5, null] } } } }\n    expect: { end: done }\n");
        Assert.Empty(file.Diagnostics);
        var script = Assert.Single(file.Scenarios).Script.For("fetch", 1)!;
        Assert.Equal(TimeSpan.FromMinutes(62), script.Duration);
        Assert.Equal("42", script.Outputs!["stdout"]);
        Assert.Equal(0L, script.Outputs["exit_code"]);
        var response = Assert.IsType<Dictionary<string, object?>>(script.Outputs["response"]);
        Assert.Equal(200L, response["status"]);
        var json = Assert.IsType<Dictionary<string, object?>>(response["json"]);
        Assert.Equal(true, json["ok"]);
        Assert.Equal(new List<object?> { 1L, 2.5, null }, json["n"]);
    }
}
