using Playbook.Cli.Output;
using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.Simulation;
using Playbook.Simulation.Scenarios;

namespace Playbook.Cli.Commands;

/// <summary>What drives the simulated steps of <c>playbook run --rehearse</c>: the named scenario of the
/// playbook's own scenario file (NAME.scenarios.yaml beside it, the file <c>playbook test</c> runs), or else the
/// <c>simulate</c> hints; --answer answers manual steps the scenario does not.</summary>
internal static class Rehearsal
{
    /// <summary>The script, or null after saying on stderr why there is none (no scenario file, errors in it, no such scenario).</summary>
    public static SimulationScript? Script(CompiledPlaybook playbook, string? scenarioName, IReadOnlyDictionary<string, string> answers, TextWriter stderr)
    {
        var script = new SimulationScript();
        if (scenarioName is not null)
        {
            var path = ScenarioFileOf(playbook.Path);
            if (!File.Exists(path))
            {
                stderr.WriteLine($"playbook: --scenario {scenarioName}: {path} does not exist; a rehearsal takes its scenarios from the playbook's scenario file");
                return null;
            }
            var file = new ScenarioSession().Load(path);
            if (file.HasErrors)
            {
                var formatter = new TextFormatter(false);
                foreach (var d in file.Diagnostics.Where(d => d.Severity == Severity.Error)) stderr.WriteLine(formatter.Format(d));
                stderr.WriteLine($"playbook: --scenario {scenarioName}: {path} has errors; nothing was run");
                return null;
            }
            var scenario = file.Scenarios.FirstOrDefault(s => s.Name == scenarioName);
            if (scenario is null)
            {
                var known = file.Scenarios.Count == 0 ? "it has none" : "it has " + string.Join(", ", file.Scenarios.Select(s => s.Name));
                stderr.WriteLine($"playbook: --scenario {scenarioName}: no such scenario in {path} ({known})");
                return null;
            }
            script = scenario.Script;
        }
        // An --answer on the command line answers a manual step the scenario leaves open; the scenario's own answer wins.
        foreach (var (step, answer) in answers) script.Answers.TryAdd(step, answer);
        return script;
    }

    private static string ScenarioFileOf(string playbookPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(playbookPath))!, Path.GetFileNameWithoutExtension(playbookPath) + ScenarioSession.Extension);
}
