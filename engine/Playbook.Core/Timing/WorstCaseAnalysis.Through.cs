using Playbook.Semantics;

namespace Playbook.Timing;

/// <summary>The worst case seen from one state, for an editor's hover: how long the run can take to get
/// there from the start, and from there (its own time included) to each end.</summary>
/// <param name="MeasuredAt">The state or phase the figures are for: a state inside a phase is measured at
/// its outermost phase, which the analysis folds into one node.</param>
public sealed record StateWorstCase(string MeasuredAt, TimeBound FromStart, IReadOnlyList<(StateSymbol End, TimeBound Time)> ToEnds);

public static partial class WorstCaseAnalysis
{
    /// <summary>The worst case through <paramref name="state"/>, or null when the state is not on the main
    /// flow the analysis walks (a branch, a foreach body or the cleanup) or the start cannot reach it.</summary>
    public static StateWorstCase? Through(PlaybookModel model, StateSymbol state, Func<string, TimeBound>? calleeWorstCase = null)
    {
        if (state.InChildFlow) return null;
        var outer = state;
        while (outer.Phase is { } phase) outer = phase;
        var graph = new Builder(model, calleeWorstCase ?? (_ => TimeBound.Unbounded("the called playbook is unknown"))).Build();
        if (graph.Start is null) return null;
        // A phase has one node per state it is entered at; the worst of them stands for the phase.
        var nodes = graph.Nodes.Where(n => n.Label == outer.Name).ToList();
        if (nodes.Count == 0) return null;
        var reach = Longest(graph.Start, n => nodes.Contains(n));
        if (reach.Count == 0) return null;
        var fromStart = reach.Values.Select(b => b.Bound).Aggregate(TimeBound.Max);
        var ends = new Dictionary<StateSymbol, TimeBound>();
        foreach (var node in nodes)
        {
            foreach (var (end, best) in Longest(node, n => n.End is not null))
            {
                ends[end.End!] = ends.TryGetValue(end.End!, out var known) ? TimeBound.Max(known, best.Bound) : best.Bound;
            }
        }
        var toEnds = ends.OrderBy(e => e.Key.Order).Select(e => (e.Key, e.Value)).ToList();
        return new StateWorstCase(outer.Name, fromStart, toEnds);
    }
}
