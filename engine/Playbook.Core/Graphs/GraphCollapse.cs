using System.Globalization;

namespace Playbook.Graphs;

/// <summary><c>playbook graph --collapse</c>: every branch's and every foreach's body drawn as one box, named
/// after the body, with how many states it holds. Edges inside a body go; edges into or out of it attach to the
/// box (the same edge once).</summary>
public static class GraphCollapse
{
    public static PlaybookGraph Collapse(PlaybookGraph graph)
    {
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var clusters = graph.Clusters.Select(c => Cluster(c, owner)).ToList();
        string Map(string id) => owner.TryGetValue(id, out var box) ? box : id;

        var edges = new List<GraphEdge>();
        var seen = new HashSet<(string, bool, string, string?, string, GraphEdgeKind)>();
        foreach (var e in graph.Edges)
        {
            var from = e.FromCluster ? e.From : Map(e.From);
            var to = Map(e.To);
            var inside = owner.ContainsKey(e.To) && from == to;
            if (inside) continue;
            var edge = e with { From = from, To = to };
            if (seen.Add((edge.From, edge.FromCluster, edge.To, edge.ToPhase, edge.Label, edge.Kind))) edges.Add(edge);
        }
        return new PlaybookGraph(graph.Name, graph.Title, clusters, graph.TopNodes, edges, Map(graph.Start));
    }

    private static GraphCluster Cluster(GraphCluster cluster, Dictionary<string, string> owner)
    {
        switch (cluster.Kind)
        {
            case GraphClusterKind.Parallel:
                // The parallel's own node, then one box per branch.
                var boxes = cluster.Children.Select(b => Box(b.Id, b.Label, b.AllNodes.ToList(), "branch", owner));
                return cluster with { Nodes = cluster.Nodes.Concat(boxes).ToList(), Children = Array.Empty<GraphCluster>() };
            case GraphClusterKind.Foreach:
                // The foreach's own node (first), then its body as one box.
                var body = cluster.Nodes.Skip(1).ToList();
                if (body.Count == 0) return cluster;
                return cluster with { Nodes = new[] { cluster.Nodes[0], Box(cluster.Id, "body", body, "foreach", owner) } };
            default:
                return cluster with { Children = cluster.Children.Select(c => Cluster(c, owner)).ToList() };
        }
    }

    private static GraphNode Box(string clusterId, string label, IReadOnlyList<GraphNode> members, string kindName, Dictionary<string, string> owner)
    {
        var id = GraphIds.Body(clusterId);
        foreach (var m in members) owner[m.Id] = id;
        var count = members.Count.ToString(CultureInfo.InvariantCulture) + (members.Count == 1 ? " state" : " states");
        return new GraphNode(id, label, kindName, count, GraphNodeKind.Collapsed);
    }
}
