using System.Text;

namespace Playbook.Graphs;

/// <summary>Graphviz dot: phases, parallels and branches as clusters (<c>cluster_ID</c>), steps rounded boxes,
/// decides diamonds, waits hexagons, manual steps parallelograms, parallels 3-d boxes, collapsed bodies boxes with a
/// folded corner, success ends green double-bordered boxes, failure ends red double octagons. An edge into a phase
/// or out of one (its <c>on timeout</c>) is clipped at the cluster's border (<c>lhead</c>/<c>ltail</c>). One font
/// family for the graph, its nodes and its edges; a parallel's branches and the phases stacked top to bottom; long
/// labels wrapped; edge labels as <c>xlabel</c>s; the shapes that Graphviz inflates around their label (diamonds,
/// hexagons, parallelograms) drawn with thin margins and a gentle slant; and <c>size</c> caps the drawing at 20.8 in
/// (1 500 pt, 2 000 px) wide: Graphviz scales a wider one down to fit the page.</summary>
internal static class DotWriter
{
    /// <summary>The one font family of every label: Graphviz's default (Times) would otherwise set cluster labels
    /// and the title in a different face from the nodes.</summary>
    public const string Font = "Helvetica";

    public static string Write(PlaybookGraph graph)
    {
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(DotId(graph.Name)).Append(" {\n");
        sb.Append("    graph [fontname=").Append(DotId(Font)).Append(", fontsize=14, compound=true, newrank=true, nodesep=0.08, ranksep=0.4, size=\"20.8,1000\"");
        if (graph.Title is not null) sb.Append(", labelloc=t, label=").Append(DotId(graph.Name + ": " + graph.Title));
        sb.Append("];\n");
        sb.Append("    node [shape=box, style=rounded, fontname=").Append(DotId(Font)).Append(", fontsize=12];\n");
        sb.Append("    edge [fontname=").Append(DotId(Font)).Append(", fontsize=10];\n");
        sb.Append("    ").Append(DotId(GraphIds.Start)).Append(" [shape=point, width=0.2, label=\"\"];\n");
        foreach (var node in graph.TopNodes) Node(sb, node, "    ");
        foreach (var cluster in graph.Clusters) Cluster(sb, cluster, "    ");
        sb.Append("    ").Append(DotId(GraphIds.Start)).Append(" -> ").Append(DotId(graph.Start)).Append(";\n");
        var firstNode = graph.Clusters.SelectMany(GraphLayoutHints.Flatten).ToDictionary(c => c.Id, c => c.AllNodes.First().Id, StringComparer.Ordinal);
        foreach (var e in graph.Edges)
        {
            var attributes = new List<string>();
            // xlabel: placed after the layout, so a long guard does not widen the rank it crosses.
            if (e.Label.Length > 0) attributes.Add("xlabel=" + DotId(string.Join("\n", GraphText.Wrap(e.Label, 24))));
            var from = e.From;
            if (e.FromCluster)
            {
                from = firstNode[e.From];
                attributes.Add("ltail=" + DotId("cluster_" + e.From));
            }
            if (e.ToPhase is { } p) attributes.Add("lhead=" + DotId("cluster_" + p));
            if (e.Kind is GraphEdgeKind.Fork or GraphEdgeKind.Cleanup) attributes.Add("style=dashed");
            sb.Append("    ").Append(DotId(from)).Append(" -> ").Append(DotId(e.To));
            if (attributes.Count > 0) sb.Append(" [").Append(string.Join(", ", attributes)).Append(']');
            sb.Append(";\n");
        }
        foreach (var (upper, lower) in GraphLayoutHints.StackedBodies(graph).Concat(GraphLayoutHints.BelowBodies(graph)).Distinct())
            // weight 10: keep the stacked bodies in one column. At weight 1 the fork edges pulled each branch of
            // worker-failure's post-check a step to the right of the one above, and the drawing 2 371 px wide.
            sb.Append("    ").Append(DotId(upper)).Append(" -> ").Append(DotId(lower)).Append(" [style=invis, weight=10];\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    private static void Cluster(StringBuilder sb, GraphCluster cluster, string indent)
    {
        sb.Append(indent).Append("subgraph ").Append(DotId("cluster_" + cluster.Id)).Append(" {\n");
        var inner = indent + "    ";
        sb.Append(inner).Append("label=").Append(DotId(string.Join("\n", GraphText.Wrap(cluster.Label, 48)))).Append(";\n");
        sb.Append(inner).Append(cluster.Kind switch
        {
            GraphClusterKind.Phase => "style=rounded; color=\"#1565c0\";",
            GraphClusterKind.Parallel => "style=\"rounded,bold\"; color=\"#6a1b9a\";",
            GraphClusterKind.Foreach => "style=\"rounded,bold\"; color=\"#ef6c00\";",
            GraphClusterKind.Cleanup => "style=\"rounded,dashed\"; color=\"#546e7a\";",
            _ => "style=\"rounded,dashed\"; color=\"#6a1b9a\";",
        }).Append('\n');
        foreach (var node in cluster.Nodes) Node(sb, node, inner);
        foreach (var child in cluster.Children) Cluster(sb, child, inner);
        sb.Append(indent).Append("}\n");
    }

    private static void Node(StringBuilder sb, GraphNode node, string indent)
    {
        var shape = node.Kind switch
        {
            // Graphviz grows a diamond, hexagon or parallelogram until its label fits inside with the default
            // margin: a three-line manual step became a 4.5 in parallelogram (a box holds the same text in 2 in),
            // and six of them on one rank drew workstream-recovery 2 300 px wide. Thin margins, and a
            // parallelogram as a quadrilateral with a gentler slant (skew 0.2), keep the shapes and halve the width.
            GraphNodeKind.Decide => "shape=diamond, style=solid, margin=\"0.02,0.01\"",
            GraphNodeKind.Wait => "shape=hexagon, style=solid, margin=\"0.04,0.02\"",
            GraphNodeKind.Manual => "shape=polygon, skew=0.2, style=solid, margin=\"0.04,0.02\"",
            GraphNodeKind.Parallel => "shape=box3d, style=solid",
            GraphNodeKind.Collapsed => "shape=folder, style=solid, color=\"#6a1b9a\"",
            GraphNodeKind.SuccessEnd => "shape=box, peripheries=2, style=\"rounded,filled,bold\", color=\"#2e7d32\", fillcolor=\"#d9f2d9\"",
            GraphNodeKind.FailureEnd => "shape=doubleoctagon, style=\"filled,bold\", color=\"#c62828\", fillcolor=\"#f9d6d5\"",
            _ => null,
        };
        sb.Append(indent).Append(DotId(node.Id)).Append(" [label=").Append(DotId(string.Join("\n", GraphText.NodeLines(node))));
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
