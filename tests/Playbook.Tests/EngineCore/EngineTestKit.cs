using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.EngineCore;
using Playbook.Simulation;
using Xunit;

namespace Playbook.Tests.EngineCore;

/// <summary>Compiles small playbooks written inline and runs them on the simulator.</summary>
internal static class EngineTestKit
{
    public static CompiledPlaybook Compile(string body, string name = "t", string? folder = null)
    {
        var path = Path.Combine(folder ?? Path.GetTempPath(), name + ".playbook");
        var doc = PlaybookDocument.FromText(path, $"playbook {name} {{\n{body}\n}}\n");
        var errors = doc.Check().Where(d => d.Severity == Severity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return PlaybookCompiler.Compile(doc.Model!);
    }

    public static async Task<RunResult> Run(CompiledPlaybook playbook, SimulationScript? script = null, int seed = 0, Dictionary<string, string>? inputs = null)
    {
        var (values, errors) = RunParameters.Bind(playbook, inputs ?? new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        Assert.Empty(errors);
        return await new Simulator(playbook, (_, _) => null).RunOnceAsync(script ?? new SimulationScript(), values, seed);
    }

    public static Task<RunResult> Run(string body, SimulationScript? script = null, int seed = 0) => Run(Compile(body), script, seed);

    public static SimulationScript Script(params (string State, StepScript[] Attempts)[] steps)
    {
        var script = new SimulationScript();
        foreach (var (state, attempts) in steps) script.Steps[state] = attempts;
        return script;
    }

    public static StepScript Attempt(string? outcome = null, string? duration = null, Dictionary<string, object?>? outputs = null, Dictionary<string, object?>? captures = null) =>
        new(outcome, duration is null ? null : Text.DurationText.TryParse(duration, out var d) ? d : throw new ArgumentException(duration), captures, outputs);

    public static IEnumerable<string> Times(RunResult result, string state) =>
        result.Timeline.Where(t => t.State == state).Select(t => Text.DurationText.Format(t.At));
}
