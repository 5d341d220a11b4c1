using Playbook.Compiling;
using Playbook.Semantics;
using Playbook.Simulation;
using Playbook.Timing;

namespace Playbook.Reporting;

/// <summary>A phase as the playbook declares it: its budget and its member states.</summary>
public sealed record PlannedPhase(string Name, TimeSpan? Budget, IReadOnlyList<string> Members);

/// <summary>What the playbook said before the run: step titles, end messages as written, phase budgets, the
/// checker's worst case per end and what a seeded simulation expects. Read from the playbook file only when
/// it is byte for byte the one the run started from (its sha256 is journaled): a plan of a changed playbook
/// would put someone else's titles on the run's steps. Null fields mean "not known", never zero.</summary>
public sealed class ReportPlan
{
    /// <summary>The runs a report simulates: enough for a stable P50/P90, few enough to add well under a second.</summary>
    public const int SimulatedRuns = 500;

    /// <summary>Fixed, so the same run reports the same figures every time (golden files, and two readers).</summary>
    public const int SimulationSeed = 1;

    public IReadOnlyDictionary<string, string> Titles { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, StateKind> Kinds { get; init; } = new Dictionary<string, StateKind>();

    /// <summary>End messages as written, holes as <c>${…}</c> (their values are not journaled, so none is filled in).</summary>
    public IReadOnlyDictionary<string, string> EndMessages { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<PlannedPhase> Phases { get; init; } = Array.Empty<PlannedPhase>();

    /// <summary>The checker's worst case to each end (null: unbounded).</summary>
    public IReadOnlyDictionary<string, TimeSpan?> WorstCase { get; init; } = new Dictionary<string, TimeSpan?>();

    /// <summary>The checker's worst-case path to each end, state by state (what a phase's share is summed from).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WorstCaseStep>> WorstPath { get; init; } = new Dictionary<string, IReadOnlyList<WorstCaseStep>>();

    public MonteCarloResult? Simulated { get; init; }

    /// <summary>Each phase's P50/P90 in the same dry runs (by phase name; a phase no dry run entered is missing).</summary>
    public IReadOnlyDictionary<string, SimulatedPhase> SimulatedPhases { get; init; } = new Dictionary<string, SimulatedPhase>();

    /// <summary>Draws the playbook's graph as inline SVG (laid out by MSAGL: a second or so for a large playbook),
    /// called only by a report that shows it; null without a plan.</summary>
    public Func<string>? Graph { get; init; }

    /// <summary>Why there is no plan (the playbook is missing or changed), for the report to say so; null when there is one.</summary>
    public string? Missing { get; init; }

    public static ReportPlan Unavailable(string why) => new() { Missing = why };

    /// <summary>The plan of <paramref name="playbook"/>; <paramref name="simulate"/> from the caller, which knows
    /// how to bind inputs and resolve callees: it runs <see cref="SimulatedRuns"/> dry runs (seed
    /// <see cref="SimulationSeed"/>) handing each run's result to the callback it is given, or returns null
    /// when there is nothing to simulate.</summary>
    public static ReportPlan Of(CompiledPlaybook playbook, Func<string, TimeBound> calleeWorstCase, Func<Action<int, EngineCore.RunResult>, MonteCarloResult?>? simulate)
    {
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var kinds = new Dictionary<string, StateKind>(StringComparer.Ordinal);
        var ends = new Dictionary<string, string>(StringComparer.Ordinal);
        var phases = new List<PlannedPhase>();
        foreach (var state in AllStates(playbook))
        {
            kinds.TryAdd(state.Name, state.Kind);
            if (state.Title is { Length: > 0 } title) titles.TryAdd(state.Name, title);
            if (state.Kind == StateKind.End && state.Message is { } message) ends.TryAdd(state.Name, AsWritten(message));
            if (state.Kind == StateKind.Phase) phases.Add(new PlannedPhase(state.Name, state.Budget, state.Members.Select(m => m.Name).ToList()));
        }
        var worst = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        var paths = new Dictionary<string, IReadOnlyList<WorstCaseStep>>(StringComparer.Ordinal);
        foreach (var end in WorstCaseReport.Build(playbook.Model, calleeWorstCase))
        {
            worst[end.End] = end.Total.IsUnbounded ? null : end.Total.Value;
            paths[end.End] = end.Path;
        }
        var phaseTimes = new PhaseSimulation(phases, SimulatedRuns);
        var simulated = simulate?.Invoke(phaseTimes.Add);
        return new ReportPlan { Titles = titles, Kinds = kinds, EndMessages = ends, Phases = phases, WorstCase = worst, WorstPath = paths, Simulated = simulated,
            SimulatedPhases = simulated is null ? new Dictionary<string, SimulatedPhase>() : phaseTimes.Finish(),
            Graph = () => Graphs.GraphSvg.Render(playbook) };
    }

    private static IEnumerable<CompiledState> AllStates(CompiledPlaybook playbook)
    {
        var seen = new HashSet<CompiledState>();
        var queue = new Queue<CompiledState>(playbook.States);
        if (playbook.Cleanup is { } cleanup) foreach (var s in cleanup.States) queue.Enqueue(s);
        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            if (!seen.Add(state)) continue;
            yield return state;
            foreach (var branch in state.Branches)
                foreach (var s in branch.States) queue.Enqueue(s);
        }
    }

    private static string AsWritten(CompiledTemplate template) =>
        string.Concat(template.Parts.Select(p => p is CompiledExpression e ? "${" + e.Code + "}" : (string)p));
}
