namespace Playbook.Graphs;

/// <summary>Layout hints every output shares, so Mermaid, DOT and SVG agree on the shape of a drawing.</summary>
internal static class GraphLayoutHints
{
    /// <summary>For each parallel, its branches' bodies (a branch's box, or its collapsed box) in file order, as pairs
    /// (last node of one body, first node of the next): linked invisibly, they stack the branches top to bottom
    /// instead of side by side, which kept a nine-branch parallel at 10 000 px wide.</summary>
    public static IEnumerable<(string Upper, string Lower)> StackedBodies(PlaybookGraph graph)
    {
        foreach (var parallel in graph.Clusters.SelectMany(Flatten).Where(c => c.Kind == GraphClusterKind.Parallel))
        {
            var bodies = parallel.Children.Select(b => b.AllNodes.ToList())
                .Concat(parallel.Nodes.Where(n => n.Kind == GraphNodeKind.Collapsed).Select(n => new List<GraphNode> { n }))
                .Where(b => b.Count > 0)
                .ToList();
            for (var i = 1; i < bodies.Count; i++) yield return (bodies[i - 1][^1].Id, bodies[i][0].Id);
        }
    }

    public static IEnumerable<GraphCluster> Flatten(GraphCluster c) => c.Children.SelectMany(Flatten).Prepend(c);
}
