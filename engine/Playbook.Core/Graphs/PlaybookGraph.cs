using System.Globalization;
using System.Text;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Compiling;

/// <summary>A drawing of a compiled playbook's state machine, independent of the output language: states
/// (labelled with their names and titles), phases and parallels as clusters (a parallel's branches as
/// clusters inside it), and one edge per declared transition, labelled with the outcomes that take it
/// (fallbacks included, e.g. <c>fail, timeout</c>) and its guard.</summary>
public sealed class PlaybookGraph
{
    private PlaybookGraph(string name, string? title, IReadOnlyList<GraphCluster> clusters, IReadOnlyList<GraphNode> topNodes,
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
                return new GraphCluster(b.Name, GraphClusterKind.Branch, Label("branch " + b.Name, symbol.Syntax.Title?.Template),
                    b.States.Select(Node).ToList(), Array.Empty<GraphCluster>());
            }).ToList();
            var join = parallel.Join switch
            {
                JoinMode.Any => "any",
                JoinMode.AtLeast => parallel.JoinCount.ToString(CultureInfo.InvariantCulture),
                _ => "all",
            };
            var label = $"parallel {parallel.Name} (join {join}{(parallel.Timeout is { } t ? ", timeout " + DurationText.Format(t) : "")})";
            return new GraphCluster(parallel.Name, GraphClusterKind.Parallel, label, new[] { Node(parallel) }, branches);
        }

        // A foreach is one box: the foreach itself and its body, which runs once per item, inside it.
        GraphCluster ForeachCluster(CompiledState loop)
        {
            var spec = loop.Foreach;
            var settings = spec is null ? "" : $" (each {spec.Item}, parallel {spec.Parallel}{(spec.Max is { } m ? ", max " + m.ToString(CultureInfo.InvariantCulture) : "")})";
            var body = loop.Branches.SelectMany(b => b.States).Select(Node);
            return new GraphCluster(loop.Name, GraphClusterKind.Foreach, $"foreach {loop.Name}{settings}", new[] { Node(loop) }.Concat(body).ToList(), Array.Empty<GraphCluster>());
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
                clusters.Add(new GraphCluster(state.Name, GraphClusterKind.Phase, $"phase {state.Name}{title}{budget}", members, inner));
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
            clusters.Add(new GraphCluster(Semantics.CleanupSymbol.FlowName, GraphClusterKind.Cleanup, "cleanup", cleanup.States.Select(Node).ToList(), Array.Empty<GraphCluster>()));

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
                    edges.Add(new GraphEdge(state.Name, false, b.Entry.Name, null, "branch " + b.Name, GraphEdgeKind.Fork));
            }
            if (state.Kind == StateKind.Foreach)
            {
                foreach (var b in state.Branches)
                    edges.Add(new GraphEdge(state.Name, false, b.Entry.Name, null, "each " + (state.Foreach?.Item ?? "item"), GraphEdgeKind.Fork));
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
        return new GraphNode(s.Name, s.Symbol.KindName, detail, kind);
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
}

/// <summary>A state: its name (the id), its kind as written (<c>step</c>, <c>decide</c>…) and its title
/// (for an end, <c>success</c>/<c>failure</c> and its message).</summary>
public sealed record GraphNode(string Name, string KindName, string? Detail, GraphNodeKind Kind);

public enum GraphClusterKind
{
    Phase,
    Parallel,
    Branch,
    Foreach,
    /// <summary>The playbook's cleanup, run after any end.</summary>
    Cleanup,
}

public sealed record GraphCluster(string Name, GraphClusterKind Kind, string Label, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphCluster> Children)
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

/// <summary>An edge. <see cref="FromCluster"/>: it leaves a whole phase (its <c>on timeout</c>);
/// <see cref="ToPhase"/>: the transition names a phase and enters <see cref="To"/>, its first state.</summary>
public sealed record GraphEdge(string From, bool FromCluster, string To, string? ToPhase, string Label, GraphEdgeKind Kind);

/// <summary>Writes a <see cref="PlaybookGraph"/> as Mermaid or Graphviz dot.</summary>
public static class GraphExport
{
    public static string ToMermaid(CompiledPlaybook playbook) => ToMermaid(PlaybookGraph.From(playbook));

    public static string ToDot(CompiledPlaybook playbook) => ToDot(PlaybookGraph.From(playbook));

    /// <summary>A Mermaid <c>flowchart</c> (it has labelled, nested subgraphs, which stateDiagram
    /// composite states lack): steps rounded, decides diamonds, waits hexagons, manual steps
    /// parallelograms, parallels subroutines, ends stadiums styled <c>success</c> (green) or
    /// <c>failure</c> (red).</summary>
    public static string ToMermaid(PlaybookGraph graph)
    {
        var ids = new MermaidIds();
        var sb = new StringBuilder();
        if (graph.Title is not null) sb.Append("---\ntitle: ").Append(YamlQuote(graph.Name + ": " + graph.Title)).Append("\n---\n");
        sb.Append("flowchart TD\n");
        sb.Append("    ").Append(ids.Start).Append("((\" \"))\n");
        foreach (var node in graph.TopNodes) MermaidNode(sb, ids, node, "    ");
        foreach (var cluster in graph.Clusters) MermaidCluster(sb, ids, cluster, "    ");
        sb.Append("    ").Append(ids.Start).Append(" --> ").Append(ids.Node(graph.Start)).Append('\n');
        foreach (var e in graph.Edges)
        {
            var from = e.FromCluster ? ids.Cluster(e.From) : ids.Node(e.From);
            var to = e.ToPhase is { } p ? ids.Cluster(p) : ids.Node(e.To);
            var arrow = e.Kind is GraphEdgeKind.Fork or GraphEdgeKind.Cleanup ? " -.->" : " -->";
            sb.Append("    ").Append(from).Append(arrow).Append("|\"").Append(MermaidText(e.Label)).Append("\"| ").Append(to).Append('\n');
        }
        sb.Append("    classDef success fill:#d9f2d9,stroke:#2e7d32,stroke-width:3px\n");
        sb.Append("    classDef failure fill:#f9d6d5,stroke:#c62828,stroke-width:3px\n");
        var success = graph.AllNodes.Where(n => n.Kind == GraphNodeKind.SuccessEnd).Select(n => ids.Node(n.Name)).ToList();
        var failure = graph.AllNodes.Where(n => n.Kind == GraphNodeKind.FailureEnd).Select(n => ids.Node(n.Name)).ToList();
        if (success.Count > 0) sb.Append("    class ").Append(string.Join(',', success)).Append(" success\n");
        if (failure.Count > 0) sb.Append("    class ").Append(string.Join(',', failure)).Append(" failure\n");
        return sb.ToString();
    }

    private static void MermaidCluster(StringBuilder sb, MermaidIds ids, GraphCluster cluster, string indent)
    {
        sb.Append(indent).Append("subgraph ").Append(ids.Cluster(cluster.Name)).Append(" [\"").Append(MermaidText(cluster.Label)).Append("\"]\n");
        foreach (var node in cluster.Nodes) MermaidNode(sb, ids, node, indent + "    ");
        foreach (var child in cluster.Children) MermaidCluster(sb, ids, child, indent + "    ");
        sb.Append(indent).Append("end\n");
    }

    private static void MermaidNode(StringBuilder sb, MermaidIds ids, GraphNode node, string indent)
    {
        var text = "\"" + MermaidText(node.Name) + (node.Detail is { Length: > 0 } d ? "<br/>" + MermaidText(d) : "") + "\"";
        var (open, close) = node.Kind switch
        {
            GraphNodeKind.Decide => ("{", "}"),
            GraphNodeKind.Wait => ("{{", "}}"),
            GraphNodeKind.Manual => ("[/", "/]"),
            GraphNodeKind.Parallel => ("[[", "]]"),
            GraphNodeKind.SuccessEnd or GraphNodeKind.FailureEnd => ("([", "])"),
            _ => ("(", ")"),
        };
        sb.Append(indent).Append(ids.Node(node.Name)).Append(open).Append(text).Append(close).Append('\n');
    }

    /// <summary>Text for inside a quoted Mermaid label: quotes, angle brackets, ampersands, hashes, pipes, semicolons and
    /// backticks as entity codes (so nothing reads as HTML, markdown or syntax), line breaks as spaces.</summary>
    public static string MermaidText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '#': sb.Append("#35;"); break;
                case '"': sb.Append("#quot;"); break;
                case '<': sb.Append("#lt;"); break;
                case '>': sb.Append("#gt;"); break;
                case '&': sb.Append("#amp;"); break;
                case '`': sb.Append("#96;"); break;
                case '|': sb.Append("#124;"); break;
                case ';': sb.Append("#59;"); break;
                case '\r' or '\n' or '\t': sb.Append(' '); break;
                default:
                    if (!char.IsControl(c)) sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A YAML double-quoted scalar (the front matter's title).</summary>
    private static string YamlQuote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (!char.IsControl(c)) sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Mermaid ids: state names use '-', which Mermaid reads as part of an arrow, and a state named
    /// <c>end</c> would close a subgraph; so ids are <c>s_</c> (states) or <c>g_</c> (clusters) plus the
    /// name with every other character as '_', made unique.</summary>
    private sealed class MermaidIds
    {
        private readonly Dictionary<string, string> _nodes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _clusters = new(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new(StringComparer.Ordinal) { "start" };

        public string Start => "start";

        public string Node(string name) => Get(_nodes, "s_", name);

        public string Cluster(string name) => Get(_clusters, "g_", name);

        private string Get(Dictionary<string, string> map, string prefix, string name)
        {
            if (map.TryGetValue(name, out var id)) return id;
            var baseId = prefix + new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
            id = baseId;
            for (var i = 2; !_used.Add(id); i++) id = baseId + "_" + i.ToString(CultureInfo.InvariantCulture);
            return map[name] = id;
        }
    }

    /// <summary>Graphviz dot: phases, parallels and branches as clusters (<c>cluster_NAME</c>), steps rounded
    /// boxes, decides diamonds, waits hexagons, manual steps parallelograms, parallels 3-d boxes, success ends
    /// green double-bordered boxes, failure ends red double octagons. An edge into a phase or out of one (its
    /// <c>on timeout</c>) is clipped at the cluster's border (<c>lhead</c>/<c>ltail</c>).</summary>
    public static string ToDot(PlaybookGraph graph)
    {
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(DotId(graph.Name)).Append(" {\n");
        if (graph.Title is not null) sb.Append("    label=").Append(DotId(graph.Name + ": " + graph.Title)).Append(";\n    labelloc=t;\n");
        sb.Append("    compound=true;\n");
        sb.Append("    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        sb.Append("    edge [fontname=\"Helvetica\", fontsize=10];\n");
        sb.Append("    \"__start\" [shape=point, width=0.2, label=\"\"];\n");
        foreach (var node in graph.TopNodes) DotNode(sb, node, "    ");
        foreach (var cluster in graph.Clusters) DotCluster(sb, cluster, "    ");
        sb.Append("    \"__start\" -> ").Append(DotId(graph.Start)).Append(";\n");
        var firstNode = graph.Clusters.SelectMany(Flatten).ToDictionary(c => c.Name, c => c.AllNodes.First().Name, StringComparer.Ordinal);
        foreach (var e in graph.Edges)
        {
            var attributes = new List<string> { "label=" + DotId(e.Label) };
            var from = e.From;
            if (e.FromCluster)
            {
                from = firstNode[e.From];
                attributes.Add("ltail=" + DotId("cluster_" + e.From));
            }
            if (e.ToPhase is { } p) attributes.Add("lhead=" + DotId("cluster_" + p));
            if (e.Kind is GraphEdgeKind.Fork or GraphEdgeKind.Cleanup) attributes.Add("style=dashed");
            sb.Append("    ").Append(DotId(from)).Append(" -> ").Append(DotId(e.To)).Append(" [").Append(string.Join(", ", attributes)).Append("];\n");
        }
        sb.Append("}\n");
        return sb.ToString();

        static IEnumerable<GraphCluster> Flatten(GraphCluster c) => c.Children.SelectMany(Flatten).Prepend(c);
    }

    private static void DotCluster(StringBuilder sb, GraphCluster cluster, string indent)
    {
        sb.Append(indent).Append("subgraph ").Append(DotId("cluster_" + cluster.Name)).Append(" {\n");
        var inner = indent + "    ";
        sb.Append(inner).Append("label=").Append(DotId(cluster.Label)).Append(";\n");
        sb.Append(inner).Append(cluster.Kind switch
        {
            GraphClusterKind.Phase => "style=rounded; color=\"#1565c0\";",
            GraphClusterKind.Parallel => "style=\"rounded,bold\"; color=\"#6a1b9a\";",
            GraphClusterKind.Foreach => "style=\"rounded,bold\"; color=\"#ef6c00\";",
            GraphClusterKind.Cleanup => "style=\"rounded,dashed\"; color=\"#546e7a\";",
            _ => "style=\"rounded,dashed\"; color=\"#6a1b9a\";",
        }).Append('\n');
        foreach (var node in cluster.Nodes) DotNode(sb, node, inner);
        foreach (var child in cluster.Children) DotCluster(sb, child, inner);
        sb.Append(indent).Append("}\n");
    }

    private static void DotNode(StringBuilder sb, GraphNode node, string indent)
    {
        var label = node.Name + (node.Detail is { Length: > 0 } d ? "\n" + d : "");
        var shape = node.Kind switch
        {
            GraphNodeKind.Decide => "shape=diamond, style=solid",
            GraphNodeKind.Wait => "shape=hexagon, style=solid",
            GraphNodeKind.Manual => "shape=parallelogram, style=solid",
            GraphNodeKind.Parallel => "shape=box3d, style=solid",
            GraphNodeKind.SuccessEnd => "shape=box, peripheries=2, style=\"rounded,filled,bold\", color=\"#2e7d32\", fillcolor=\"#d9f2d9\"",
            GraphNodeKind.FailureEnd => "shape=doubleoctagon, style=\"filled,bold\", color=\"#c62828\", fillcolor=\"#f9d6d5\"",
            _ => null,
        };
        sb.Append(indent).Append(DotId(node.Name)).Append(" [label=").Append(DotId(label));
        if (shape is not null) sb.Append(", ").Append(shape);
        sb.Append("];\n");
    }

    /// <summary>A double-quoted dot ID: backslashes and quotes escaped, line breaks as <c>\n</c>.</summary>
    public static string DotId(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': break;
                default:
                    if (!char.IsControl(c) || c == '\t') sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
