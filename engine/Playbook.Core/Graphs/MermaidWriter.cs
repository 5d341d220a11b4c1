using System.Globalization;
using System.Text;

namespace Playbook.Graphs;

/// <summary>A Mermaid <c>flowchart</c> (it has labelled, nested subgraphs, which stateDiagram composite states
/// lack): steps rounded, decides diamonds, waits hexagons, manual steps parallelograms, parallels subroutines,
/// collapsed bodies stacked boxes, ends stadiums styled <c>success</c> (green) or <c>failure</c> (red). A
/// parallel's branches are stacked top to bottom (invisible links), so many branches make the drawing taller, not
/// wider; long labels are wrapped (<see cref="GraphText"/>).</summary>
internal static class MermaidWriter
{
    public static string Write(PlaybookGraph graph)
    {
        var ids = new MermaidIds();
        var sb = new StringBuilder();
        // Front matter: a layout that keeps every shipped playbook within 2 000 px: ELK (mermaid-cli and Mermaid 11 ship
        // it; a renderer without it falls back to its default) placing nodes by network simplex (worker-failure: 1 514 px
        // against 2 028 px with ELK's default placement), 12 px text, tighter spacing and padding.
        sb.Append("---\nconfig:\n  layout: elk\n  elk:\n    nodePlacementStrategy: NETWORK_SIMPLEX\n  themeVariables:\n    fontSize: 12px\n  flowchart:\n    nodeSpacing: 10\n    rankSpacing: 30\n    padding: 6\n---\n");
        sb.Append("flowchart TD\n");
        // The title is the label of a box around the start point, not the front matter's title: Mermaid escapes that
        // one twice (a title with & showed "&amp;"), while a box label takes Mermaid's entity codes as the characters.
        var start = "    " + ids.Node(GraphIds.Start) + "((\" \"))\n";
        if (graph.Title is not null)
            sb.Append("    subgraph ").Append(ids.Cluster(GraphIds.Title)).Append(" [\"").Append(Lines(GraphText.Wrap(graph.Name + ": " + graph.Title, 48)))
              .Append("\"]\n    ").Append(start).Append("    end\n");
        else sb.Append(start);
        foreach (var node in graph.TopNodes) Node(sb, ids, node, "    ");
        foreach (var cluster in graph.Clusters) Cluster(sb, ids, cluster, "    ");
        sb.Append("    ").Append(ids.Node(GraphIds.Start)).Append(" --> ").Append(ids.Node(graph.Start)).Append('\n');
        foreach (var e in graph.Edges)
        {
            var from = e.FromCluster ? ids.Cluster(e.From) : ids.Node(e.From);
            var to = e.ToPhase is { } p ? ids.Cluster(p) : ids.Node(e.To);
            var arrow = e.Kind is GraphEdgeKind.Fork or GraphEdgeKind.Cleanup ? " -.->" : " -->";
            sb.Append("    ").Append(from).Append(arrow);
            if (e.Label.Length > 0) sb.Append("|\"").Append(Lines(GraphText.Wrap(e.Label, 24))).Append("\"|");
            sb.Append(' ').Append(to).Append('\n');
        }
        foreach (var (upper, lower) in GraphLayoutHints.StackedBodies(graph))
            sb.Append("    ").Append(ids.Node(upper)).Append(" ~~~ ").Append(ids.Node(lower)).Append('\n');
        sb.Append("    classDef success fill:#d9f2d9,stroke:#2e7d32,stroke-width:3px\n");
        sb.Append("    classDef failure fill:#f9d6d5,stroke:#c62828,stroke-width:3px\n");
        var success = graph.AllNodes.Where(n => n.Kind == GraphNodeKind.SuccessEnd).Select(n => ids.Node(n.Id)).ToList();
        var failure = graph.AllNodes.Where(n => n.Kind == GraphNodeKind.FailureEnd).Select(n => ids.Node(n.Id)).ToList();
        if (success.Count > 0) sb.Append("    class ").Append(string.Join(',', success)).Append(" success\n");
        if (failure.Count > 0) sb.Append("    class ").Append(string.Join(',', failure)).Append(" failure\n");
        return sb.ToString();
    }

    private static void Cluster(StringBuilder sb, MermaidIds ids, GraphCluster cluster, string indent)
    {
        sb.Append(indent).Append("subgraph ").Append(ids.Cluster(cluster.Id)).Append(" [\"").Append(Lines(GraphText.Wrap(cluster.Label, 48))).Append("\"]\n");
        foreach (var node in cluster.Nodes) Node(sb, ids, node, indent + "    ");
        foreach (var child in cluster.Children) Cluster(sb, ids, child, indent + "    ");
        sb.Append(indent).Append("end\n");
    }

    private static void Node(StringBuilder sb, MermaidIds ids, GraphNode node, string indent)
    {
        var (open, close) = node.Kind switch
        {
            GraphNodeKind.Decide => ("{", "}"),
            GraphNodeKind.Wait => ("{{", "}}"),
            GraphNodeKind.Manual => ("[/", "/]"),
            GraphNodeKind.Parallel => ("[[", "]]"),
            GraphNodeKind.Collapsed => ("[", "]"),
            GraphNodeKind.SuccessEnd or GraphNodeKind.FailureEnd => ("([", "])"),
            _ => ("(", ")"),
        };
        sb.Append(indent).Append(ids.Node(node.Id)).Append(open).Append('"').Append(Lines(GraphText.NodeLines(node))).Append('"').Append(close).Append('\n');
    }

    private static string Lines(IEnumerable<string> lines) => string.Join("<br/>", lines.Select(MermaidText));

    /// <summary>Text for inside a quoted Mermaid label: quotes, angle brackets, ampersands, hashes, pipes, semicolons and
    /// backticks as Mermaid's entity codes (<c>#amp;</c>…, which Mermaid shows as the character itself), so nothing
    /// reads as HTML, markdown or syntax; line breaks as spaces.</summary>
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

    /// <summary>Mermaid ids: names use '-', which Mermaid reads as part of an arrow, and a state named <c>end</c>
    /// would close a subgraph; so ids are <c>s_</c> (nodes) or <c>g_</c> (clusters) plus the id with every other
    /// character as '_', made unique by a suffix: two ids never share one, whatever the names.</summary>
    private sealed class MermaidIds
    {
        private readonly Dictionary<string, string> _nodes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _clusters = new(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public string Node(string id) => Get(_nodes, "s_", id);

        public string Cluster(string id) => Get(_clusters, "g_", id);

        private string Get(Dictionary<string, string> map, string prefix, string name)
        {
            if (map.TryGetValue(name, out var id)) return id;
            var baseId = prefix + new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
            id = baseId;
            for (var i = 2; !_used.Add(id); i++) id = baseId + "_" + i.ToString(CultureInfo.InvariantCulture);
            return map[name] = id;
        }
    }
}
