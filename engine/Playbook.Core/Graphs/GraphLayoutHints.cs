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

    private static IEnumerable<(string, string)> Stack(IEnumerable<List<GraphNode>> bodies)
    {
        var list = bodies.Where(b => b.Count > 0).ToList();
        for (var i = 1; i < list.Count; i++)
            foreach (var upper in list[i - 1])
                yield return (upper.Id, list[i][0].Id);
    }

    public static IEnumerable<GraphCluster> Flatten(GraphCluster c) => c.Children.SelectMany(Flatten).Prepend(c);
}
