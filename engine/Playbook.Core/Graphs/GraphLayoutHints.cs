namespace Playbook.Graphs;

/// <summary>Layout hints every output shares, so Mermaid, DOT and SVG agree on the shape of a drawing.</summary>
internal static class GraphLayoutHints
{
    /// <summary>Invisible links (every node of one body, the first node of the next) that stack boxes top to bottom
    /// instead of side by side: each parallel's branches (a branch's box, or its collapsed box) in file order, and the
    /// phases in file order, which run one after the other. Side by side, partial-failure's nine-branch parallel and
    /// three phases drew 10 000 px wide.</summary>
    public static IEnumerable<(string Upper, string Lower)> StackedBodies(PlaybookGraph graph)
    {
        var all = graph.Clusters.SelectMany(Flatten).ToList();
        foreach (var parallel in all.Where(c => c.Kind == GraphClusterKind.Parallel))
        {
            var bodies = parallel.Children.Select(b => b.AllNodes.ToList())
                .Concat(parallel.Nodes.Where(n => n.Kind == GraphNodeKind.Collapsed).Select(n => new List<GraphNode> { n }));
            foreach (var pair in Stack(bodies)) yield return pair;
        }
        foreach (var pair in Stack(graph.Clusters.Where(c => c.Kind == GraphClusterKind.Phase).Select(p => p.AllNodes.ToList())))
            yield return pair;
    }

    /// <summary>Invisible links for DOT from every node of a parallel's (or foreach's) last stacked body to each state
    /// the parallel goes on to: its successors are ranked below its branches instead of beside them. Beside them, the
    /// next phase ran down next to the branches and partial-failure drew 2 800 px wide at 100 %.</summary>
    public static IEnumerable<(string Upper, string Lower)> BelowBodies(PlaybookGraph graph)
    {
        var all = graph.Clusters.SelectMany(Flatten).ToList();
        foreach (var box in all.Where(c => c.Kind is GraphClusterKind.Parallel or GraphClusterKind.Foreach))
        {
            var bodies = box.Children.Select(b => b.AllNodes.ToList())
                .Concat(box.Nodes.Where(n => n.Kind == GraphNodeKind.Collapsed).Select(n => new List<GraphNode> { n }))
                .Where(b => b.Count > 0).ToList();
            if (bodies.Count == 0) continue;
            var inside = new HashSet<string>(box.AllNodes.Select(n => n.Id), StringComparer.Ordinal);
            var targets = graph.Edges.Where(e => e.Kind == GraphEdgeKind.Transition && !e.FromCluster && inside.Contains(e.From) && !inside.Contains(e.To))
                .Select(e => e.To).Distinct(StringComparer.Ordinal).ToList();
            foreach (var node in bodies[^1])
                foreach (var target in targets)
                    yield return (node.Id, target);
        }
    }

    private static IEnumerable<(string, string)> Stack(IEnumerable<List<GraphNode>> bodies)
    {
        var list = bodies.Where(b => b.Count > 0).ToList();
        for (var i = 1; i < list.Count; i++)
            foreach (var upper in list[i - 1])
                yield return (upper.Id, list[i][0].Id);
    }

    public static IEnumerable<GraphCluster> Flatten(GraphCluster c) => c.Children.SelectMany(Flatten).Prepend(c);
}
