using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.Text;

namespace Playbook.Simulation.Scenarios;

/// <summary>One <c>NAME.scenarios.yaml</c> file as loaded: its text (diagnostics point into it), the
/// playbook it tests (null when that could not be loaded), its scenarios and what was wrong with it.
/// A file with any diagnostic is not run.</summary>
public sealed class ScenarioFile
{
    internal ScenarioFile(SourceFile source, string? playbookPath, CompiledPlaybook? playbook, IReadOnlyList<Scenario> scenarios, IReadOnlyList<Diagnostic> diagnostics)
    {
        Source = source;
        PlaybookPath = playbookPath;
        Playbook = playbook;
        Scenarios = scenarios;
        Diagnostics = diagnostics;
    }

    public SourceFile Source { get; }

    public string Path => Source.Path;

    /// <summary>The playbook's path as resolved against the scenario file's folder (null if not given).</summary>
    public string? PlaybookPath { get; }

    public CompiledPlaybook? Playbook { get; }

    /// <summary>Every scenario that could be read, in file order (also when the file has diagnostics, so
    /// reports can name them).</summary>
    public IReadOnlyList<Scenario> Scenarios { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>One scenario: the inputs (already bound to the playbook's typed values), what the scripted
/// states do, and what the run must show.</summary>
public sealed class Scenario
{
    internal Scenario(string name, TextSpan nameSpan, IReadOnlyDictionary<string, object?> values, SimulationScript script, ScenarioExpectation expect)
    {
        Name = name;
        NameSpan = nameSpan;
        Values = values;
        Script = script;
        Expect = expect;
    }

    public string Name { get; }

    /// <summary>Where the name is written (line numbers in reports).</summary>
    public TextSpan NameSpan { get; }

    /// <summary>Inputs, defaults, lets' inputs and placeholder secrets, ready for the simulator.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    public SimulationScript Script { get; }

    public ScenarioExpectation Expect { get; }
}

/// <summary>What a scenario expects; each part is checked only when given.</summary>
public sealed record ScenarioExpectation
{
    public string? End { get; init; }

    /// <summary>success, failure or aborted.</summary>
    public string? Status { get; init; }

    public IReadOnlyList<string>? Path { get; init; }

    public IReadOnlyDictionary<string, int>? Attempts { get; init; }

    /// <summary>The run's simulated elapsed time must not exceed this.</summary>
    public TimeSpan? Within { get; init; }

    /// <summary>Expected capture values, compared as displayed text (<see cref="ScenarioValues.Display"/>).</summary>
    public IReadOnlyDictionary<string, object?>? Captures { get; init; }
}
