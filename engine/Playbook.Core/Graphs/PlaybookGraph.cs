using System.Globalization;
using System.Text;
using Playbook.Compiling;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Graphs;

/// <summary>A drawing of a compiled playbook's state machine, independent of the output language: states
/// (labelled with their names and titles), phases and parallels as clusters (a parallel's branches as
/// clusters inside it), and one edge per declared transition, labelled with the outcomes that take it
/// (fallbacks included, e.g. <c>fail, timeout</c>) and its guard. Nodes and clusters the drawing adds (the start
/// point, a collapsed body) have ids from <see cref="GraphIds"/>, which no state, phase or branch name can take.</summary>
public sealed class PlaybookGraph
{
    internal PlaybookGraph(string name, string? title, IReadOnlyList<GraphCluster> clusters, IReadOnlyList<GraphNode> topNodes,
        IReadOnlyList<GraphEdge> edges, string start)
    {
        Name = name;
        Title = title;
        Clusters = clusters;
        TopNodes = topNodes;
        Edges = edges;
        Start = start;
    }

    public string Name { get; }

    public string? Title { get; }

    /// <summary>Top-level clusters (phases, parallels outside phases), in file order.</summary>
    public IReadOnlyList<GraphCluster> Clusters { get; }

    /// <summary>Nodes that sit in no cluster, in file order.</summary>
    public IReadOnlyList<GraphNode> TopNodes { get; }

    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>The id of the start state.</summary>
    public string Start { get; }

    /// <summary>Every node, clusters included, in file order.</summary>
    public IEnumerable<GraphNode> AllNodes => TopNodes.Concat(Clusters.SelectMany(c => c.AllNodes));

    public static PlaybookGraph From(CompiledPlaybook playbook)
    {
        var nodes = new Dictionary<CompiledState, GraphNode>();
        GraphNode Node(CompiledState s) => nodes.TryGetValue(s, out var n) ? n : nodes[s] = MakeNode(s);

        GraphCluster ParallelCluster(CompiledState parallel)
        {
            var branches = parallel.Branches.Select(b =>
            {
                var symbol = parallel.Symbol.Branches.First(x => x.Name == b.Name);
                return new GraphCluster(GraphIds.Branch(parallel.Name, b.Name), b.Name, GraphClusterKind.Branch, Label("branch " + b.Name, symbol.Syntax.Title?.Template),
                    b.States.Select(Node).ToList(), Array.Empty<GraphCluster>());
            }).ToList();
            var join = parallel.Join switch
            {
                JoinMode.Any => "any",
                JoinMode.AtLeast => parallel.JoinCount.ToString(CultureInfo.InvariantCulture),
                _ => "all",
            };
            var label = $"parallel {parallel.Name} (join {join}{(parallel.Timeout is { } t ? ", timeout " + DurationText.Format(t) : "")})";
            return new GraphCluster(parallel.Name, parallel.Name, GraphClusterKind.Parallel, label, new[] { Node(parallel) }, branches);
        }

        // A foreach is one box: the foreach itself and its body, which runs once per item, inside it.
        GraphCluster ForeachCluster(CompiledState loop)
        {
            var spec = loop.Foreach;
            var settings = spec is null ? "" : $" (each {spec.Item}, parallel {spec.Parallel}{(spec.Max is { } m ? ", max " + m.ToString(CultureInfo.InvariantCulture) : "")})";
            var body = loop.Branches.SelectMany(b => b.States).Select(Node);
            return new GraphCluster(loop.Name, loop.Name, GraphClusterKind.Foreach, $"foreach {loop.Name}{settings}", new[] { Node(loop) }.Concat(body).ToList(), Array.Empty<GraphCluster>());
        }

        var clusters = new List<GraphCluster>();
        var top = new List<GraphNode>();
        foreach (var state in playbook.States)
        {
            if (state.InBranch) continue;
            if (state.Kind == StateKind.Phase)
            {
                var members = new List<GraphNode>();
                var inner = new List<GraphCluster>();
                foreach (var m in state.Members)
                {
                    if (m.Kind == StateKind.Parallel) inner.Add(ParallelCluster(m));
                    else if (m.Kind == StateKind.Foreach) inner.Add(ForeachCluster(m));
                    else members.Add(Node(m));
                }
                var title = state.Title is { Length: > 0 } tt ? ": " + tt : "";
                var budget = state.Budget is { } b ? $" (within {DurationText.Format(b)})" : "";
                clusters.Add(new GraphCluster(state.Name, state.Name, GraphClusterKind.Phase, $"phase {state.Name}{title}{budget}", members, inner));
            }
            else if (state.Phase is null)
            {
                if (state.Kind == StateKind.Parallel) clusters.Add(ParallelCluster(state));
                else if (state.Kind == StateKind.Foreach) clusters.Add(ForeachCluster(state));
                else top.Add(Node(state));
            }
        }

        // The cleanup is its own box, reached (dashed) from every end: it runs after whichever end the run reaches.
        if (playbook.Cleanup is { } cleanup)
            clusters.Add(new GraphCluster(Semantics.CleanupSymbol.FlowName, "cleanup", GraphClusterKind.Cleanup, "cleanup", cleanup.States.Select(Node).ToList(), Array.Empty<GraphCluster>()));

        var phaseNames = playbook.States.Where(s => s.Kind == StateKind.Phase).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var edges = new List<GraphEdge>();
        foreach (var state in playbook.States)
        {
            if (state.Kind == StateKind.Phase)
            {
                foreach (var t in state.TransitionsFor("timeout").Where(t => t.Target is not null))
                    edges.Add(new GraphEdge(state.Name, true, t.Target!.Name, TargetPhase(t), EdgeLabel(new[] { "timeout" }, t), GraphEdgeKind.Transition));
                continue;
            }
            if (state.Kind == StateKind.Parallel)
            {
                foreach (var b in state.Branches)
                    edges.Add(new GraphEdge(state.Name, false, b.Entry.Name, null, "", GraphEdgeKind.Fork));
            }
            if (state.Kind == StateKind.Foreach)
            {
                foreach (var b in state.Branches)
                    edges.Add(new GraphEdge(state.Name, false, b.Entry.Name, null, "", GraphEdgeKind.Fork));
            }
            if (state.Kind == StateKind.End && playbook.Cleanup is { } then)
                edges.Add(new GraphEdge(state.Name, false, then.Entry.Name, null, "then cleanup", GraphEdgeKind.Cleanup));
            // One edge per declared transition, with every outcome that takes it (fallbacks included).
            var byIndex = new SortedDictionary<int, (CompiledTransition Transition, List<string> Outcomes)>();
            foreach (var (outcome, list) in state.Transitions)
            {
                foreach (var t in list)
                {
                    if (t.Target is null) continue;
                    if (!byIndex.TryGetValue(t.Index, out var entry)) byIndex[t.Index] = entry = (t, new List<string>());
                    if (outcome != "decide" && !entry.Outcomes.Contains(outcome)) entry.Outcomes.Add(outcome);
                }
            }
            foreach (var (_, (t, outcomes)) in byIndex)
            {
                var label = state.Kind == StateKind.Decide
                    ? t.Guard is null ? "else" : "when " + t.Guard.Code
                    : EdgeLabel(outcomes, t);
                edges.Add(new GraphEdge(state.Name, false, t.Target!.Name, TargetPhase(t), label, GraphEdgeKind.Transition));
            }
        }
        return new PlaybookGraph(playbook.Name, playbook.Model.Syntax.Members.OfType<MetadataSyntax>()
                .FirstOrDefault(m => m.Keyword.Text == "title") is { } ts ? MetadataText(ts) : null,
            clusters, top, edges, playbook.Start.Name);

        string? TargetPhase(CompiledTransition t) => t.TargetName is { } n && phaseNames.Contains(n) ? n : null;
    }

    private static string? MetadataText(MetadataSyntax syntax) => syntax.Value is StringSyntax s ? s.Template : null;

    private static string EdgeLabel(IReadOnlyList<string> outcomes, CompiledTransition t) =>
        string.Join(", ", outcomes) + (t.Guard is { } g ? " when " + g.Code : "");

    private static string Label(string name, string? title) => title is { Length: > 0 } ? name + ": " + title : name;

    private static GraphNode MakeNode(CompiledState s)
    {
        var detail = s.Kind == StateKind.End
            ? (s.Success ? "success" : "failure") + (((EndSyntax)s.Symbol.Syntax).Message?.Template is { Length: > 0 } m ? ": " + m : "")
            : s.Title;
        var kind = s.Kind switch
        {
            StateKind.End => s.Success ? GraphNodeKind.SuccessEnd : GraphNodeKind.FailureEnd,
            StateKind.Decide => GraphNodeKind.Decide,
            StateKind.Wait => GraphNodeKind.Wait,
            StateKind.Manual => GraphNodeKind.Manual,
            StateKind.Parallel => GraphNodeKind.Parallel,
            _ => GraphNodeKind.Step,
        };
        return new GraphNode(s.Name, s.Name, s.Symbol.KindName, detail, kind);
    }
}

public enum GraphNodeKind
{
    Step,
    Decide,
    Wait,
    Manual,
    Parallel,
    SuccessEnd,
    FailureEnd,
    /// <summary>A branch's or a foreach's body drawn as one box (<c>--collapse</c>).</summary>
    Collapsed,
}

/// <summary>A state: its id (the state's name, or a <see cref="GraphIds"/> id for a box the drawing adds), the
/// name shown, its kind as written (<c>step</c>, <c>decide</c>…) and its title (for an end,
/// <c>success</c>/<c>failure</c> and its message).</summary>
public sealed record GraphNode(string Id, string Name, string KindName, string? Detail, GraphNodeKind Kind);

public enum GraphClusterKind
{
    Phase,
    Parallel,
    Branch,
    Foreach,
    /// <summary>The playbook's cleanup, run after any end.</summary>
    Cleanup,
}

/// <summary>A box around states. <see cref="Id"/> is unique in the drawing: a phase's, parallel's or foreach's
/// name, <see cref="GraphIds.Branch"/> for a branch (branch names may repeat a state's), <c>@cleanup</c>.</summary>
public sealed record GraphCluster(string Id, string Name, GraphClusterKind Kind, string Label, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphCluster> Children)
{
    public IEnumerable<GraphNode> AllNodes => Nodes.Concat(Children.SelectMany(c => c.AllNodes));
}

public enum GraphEdgeKind
{
    /// <summary>A transition of the machine.</summary>
    Transition,
    /// <summary>A parallel starting one of its branches.</summary>
    Fork,
    /// <summary>An end going on to the cleanup (after the run has ended, not a transition).</summary>
    Cleanup,
}

/// <summary>An edge between node ids. <see cref="FromCluster"/>: it leaves a whole phase (its <c>on timeout</c>);
/// <see cref="ToPhase"/>: the transition names a phase and enters <see cref="To"/>, its first state. A fork (a
/// parallel or foreach starting a body) has no label: the body's box already names it.</summary>
public sealed record GraphEdge(string From, bool FromCluster, string To, string? ToPhase, string Label, GraphEdgeKind Kind);

