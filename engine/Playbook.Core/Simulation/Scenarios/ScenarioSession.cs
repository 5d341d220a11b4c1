using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.EngineCore;

namespace Playbook.Simulation.Scenarios;

/// <summary>One <c>playbook test</c>: loads scenario files, compiles each playbook they name once (and the
/// playbooks those call), runs scenarios and gathers which transitions they took, for coverage.</summary>
public sealed class ScenarioSession
{
    public const string Extension = ".scenarios.yaml";

    private readonly PlaybookWorkspace _workspace = new();
    private readonly Dictionary<string, (CompiledPlaybook? Playbook, IReadOnlyList<Diagnostic> Errors)> _compiled = new(StringComparer.Ordinal);
    private readonly Dictionary<CompiledPlaybook, HashSet<(string, int)>> _taken = new();

    /// <summary>Loads and checks one scenario file; problems come back as its diagnostics.</summary>
    public ScenarioFile Load(string path) => ScenarioLoader.Load(path, this);

    /// <summary>Checks scenario text that is not on disk (tests).</summary>
    public ScenarioFile LoadText(string path, string text) => ScenarioLoader.FromSource(new Text.SourceFile(path, text), this);

    /// <summary>The compiled playbook at <paramref name="path"/>, or its errors.</summary>
    internal (CompiledPlaybook? Playbook, IReadOnlyList<Diagnostic> Errors) Compile(string path)
    {
        var key = Path.GetFullPath(path);
        if (_compiled.TryGetValue(key, out var known)) return known;
        var document = _workspace.Load(path);
        var errors = document.Check().Where(d => d.Severity == Severity.Error).ToList();
        (CompiledPlaybook?, IReadOnlyList<Diagnostic>) result;
        if (errors.Count > 0 || document.Model is null)
        {
            result = (null, errors);
        }
        else
        {
            try
            {
                result = (PlaybookCompiler.Compile(document.Model), errors);
            }
            catch (InvalidOperationException e)
            {
                result = (null, new[] { DiagnosticCatalog.InvalidScenarioFile.Create(document.Source, default, $"cannot compile: {e.Message}") });
            }
        }
        return _compiled[key] = result;
    }

    private CompiledPlaybook? ResolveCallee(CompiledPlaybook caller, string name)
    {
        if (_workspace.Resolve(caller.Model, name, out var path) is null) return null;
        return Compile(path).Playbook;
    }

    /// <summary>Runs one scenario of a file without diagnostics and compares the run with its expectations.</summary>
    public async ValueTask<ScenarioResult> RunAsync(ScenarioFile file, Scenario scenario, CancellationToken ct = default)
    {
        var playbook = file.Playbook ?? throw new InvalidOperationException($"{file.Path} has errors: it cannot run");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        RunResult run;
        try
        {
            run = await new Simulator(playbook, ResolveCallee).RunOnceAsync(scenario.Script, scenario.Values, seed: 0, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An engine failure fails this scenario, with one line of explanation; the others still run.
            return new ScenarioResult(scenario, null, $"the dry run failed: {e.GetType().Name}: {e.Message}",
                Array.Empty<ScenarioMismatch>(), System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        if (!_taken.TryGetValue(playbook, out var taken)) _taken[playbook] = taken = new HashSet<(string, int)>();
        taken.UnionWith(run.Taken);
        return new ScenarioResult(scenario, run, null, Compare(scenario.Expect, run), System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Every difference between what the scenario expects and what the run did.</summary>
    public static IReadOnlyList<ScenarioMismatch> Compare(ScenarioExpectation expect, RunResult run)
    {
        var mismatches = new List<ScenarioMismatch>();
        if (expect.End is { } end && run.End != end)
            mismatches.Add(new ScenarioMismatch("end", null, end, run.End ?? "(none: the run aborted)"));
        if (expect.Status is { } status && run.StatusText != status)
            mismatches.Add(new ScenarioMismatch("status", null, status, run.StatusText));
        if (expect.Path is { } path && !path.SequenceEqual(run.Path, StringComparer.Ordinal))
            mismatches.Add(new ScenarioMismatch("path", null, string.Join(", ", path), string.Join(", ", run.Path)));
        if (expect.Attempts is { } attempts)
        {
            foreach (var (state, count) in attempts)
            {
                var actual = ItemAttempts(run, state) ?? run.Attempts.GetValueOrDefault(state);
                if (actual != count) mismatches.Add(new ScenarioMismatch("attempts", state, count.ToString(System.Globalization.CultureInfo.InvariantCulture), actual.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        if (expect.Within is { } within && run.Elapsed > within)
            mismatches.Add(new ScenarioMismatch("within", null, Text.DurationText.Format(within), run.ElapsedText));
        if (expect.Captures is { } captures)
        {
            foreach (var (name, value) in captures)
            {
                var actual = run.Captures.TryGetValue(name, out var v) ? ScenarioValues.Display(v) : "(not captured)";
                var expected = ScenarioValues.Display(value);
                if (actual != expected) mismatches.Add(new ScenarioMismatch("captures", name, expected, actual));
            }
        }
        return mismatches;
    }

    /// <summary>One foreach item's attempts of a state, for an address <c>NAME[i]/STATE</c>: the last attempt its timeline
    /// shows in that item (0 when the item never ran the state); null for a plain state name. Read from the timeline so
    /// that the engine counts nothing extra per attempt for it (Monte Carlo runs millions of them).</summary>
    private static int? ItemAttempts(RunResult run, string address)
    {
        var cut = address.LastIndexOf("]/", StringComparison.Ordinal);
        if (cut < 0) return null;
        var item = address[..(cut + 1)];
        var state = address[(cut + 2)..];
        var most = 0;
        foreach (var entry in run.Timeline)
            if (entry.Branch == item && entry.State == state && entry.Attempt > most) most = entry.Attempt;
        return most;
    }

    /// <summary>Transitions of <paramref name="playbook"/> that no scenario run so far took, in file order.</summary>
    public ScenarioCoverage Coverage(CompiledPlaybook playbook)
    {
        var taken = _taken.GetValueOrDefault(playbook) ?? new HashSet<(string, int)>();
        var all = new List<CoverageTransition>();
        foreach (var state in playbook.Model.States.OrderBy(s => s.Order))
        {
            for (var i = 0; i < state.Transitions.Count; i++)
            {
                var t = state.Transitions[i];
                all.Add(new CoverageTransition(state, i, t, taken.Contains((state.Name, i))));
            }
        }
        return new ScenarioCoverage(playbook, all);
    }
}

/// <summary>One expectation the run did not meet. <see cref="Kind"/> is end, status, path, attempts,
/// within or captures; <see cref="Key"/> the state or capture for attempts and captures.</summary>
public sealed record ScenarioMismatch(string Kind, string? Key, string Expected, string Actual);

/// <summary>How one scenario went: the run (null when the dry run itself failed, see <see cref="Error"/>)
/// and what differed from the expectations.</summary>
public sealed record ScenarioResult(Scenario Scenario, RunResult? Run, string? Error, IReadOnlyList<ScenarioMismatch> Mismatches, TimeSpan WallTime)
{
    public bool Passed => Error is null && Mismatches.Count == 0;
}

public sealed record CoverageTransition(Semantics.StateSymbol State, int Index, Semantics.TransitionSymbol Transition, bool Taken);

/// <summary>Which of a playbook's transitions (every 'on', '->', 'when' and 'else', and each phase's own)
/// the scenarios took.</summary>
public sealed record ScenarioCoverage(CompiledPlaybook Playbook, IReadOnlyList<CoverageTransition> Transitions)
{
    public int Covered => Transitions.Count(t => t.Taken);

    public int Total => Transitions.Count;

    public IEnumerable<CoverageTransition> Untaken => Transitions.Where(t => !t.Taken);
}
