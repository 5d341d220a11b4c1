using System.Globalization;
using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>The timeline notes a run repeats (a decide's choice, a join's count, how a call ended), each built
/// once per engine rather than once per state entered: a Monte Carlo run enters the same states thousands of
/// times, and formatting their notes was a measurable share of a simulated run. One per engine, used only by
/// dry runs (one thread); a run on a real clock builds its notes as it goes.</summary>
internal sealed class RunNotes
{
    private readonly Dictionary<CompiledTransition, string> _decided = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<CompiledState, string?[]> _joined = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string Target, string? End), string> _called = new();

    /// <summary>A decide's outcome in the timeline: "-> TARGET".</summary>
    public string Decided(CompiledTransition chosen, bool cached)
    {
        if (!cached) return DecidedText(chosen);
        if (!_decided.TryGetValue(chosen, out var note)) _decided[chosen] = note = DecidedText(chosen);
        return note;
    }

    private static string DecidedText(CompiledTransition chosen) => "-> " + chosen.TargetName;

    /// <summary>A parallel's join: "S of N branches succeeded (join MODE)".</summary>
    public string Joined(CompiledState parallel, int successes, bool cached)
    {
        if (!cached || successes < 0 || successes > parallel.Branches.Count) return JoinedText(parallel, successes);
        if (!_joined.TryGetValue(parallel, out var notes)) _joined[parallel] = notes = new string?[parallel.Branches.Count + 1];
        return notes[successes] ??= JoinedText(parallel, successes);
    }

    private static string JoinedText(CompiledState state, int successes) =>
        $"{successes} of {state.Branches.Count} branches succeeded (join {(state.Join == JoinMode.AtLeast ? state.JoinCount.ToString(CultureInfo.InvariantCulture) : state.Join.ToString().ToLowerInvariant())})";

    /// <summary>A call step's attempt: "TARGET ended END".</summary>
    public string Called(string target, string? end, bool cached)
    {
        if (!cached) return CalledText(target, end);
        if (!_called.TryGetValue((target, end), out var note)) _called[(target, end)] = note = CalledText(target, end);
        return note;
    }

    private static string CalledText(string target, string? end) => $"{target} ended {end ?? "aborted"}";
}
