using Playbook.Graphs;
using Xunit;

namespace Playbook.Tests.Graph;

/// <summary><c>playbook graph --collapse</c>: each branch's and foreach's body is one box; edges inside a body go,
/// edges into and out of it attach to the box; states outside bodies are untouched.</summary>
public class GraphCollapseTests
{
    [Fact]
    public void Partial_failure_collapses_every_branch_and_the_foreach()
    {
        var compiled = GraphSvgTests.Compile(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks", "partial-failure.playbook"));
        var whole = PlaybookGraph.From(compiled);
        var collapsed = GraphExport.Build(compiled, new GraphOptions(Collapse: true));

        var parallels = whole.Clusters.SelectMany(c => c.Children).Where(c => c.Kind == GraphClusterKind.Parallel).ToList();
        var branches = parallels.Sum(p => p.Children.Count);
        var boxes = collapsed.AllNodes.Where(n => n.Kind == GraphNodeKind.Collapsed).ToList();
        Assert.Equal(branches + 1, boxes.Count); // one per branch, one for the foreach's body
        var diagnose = collapsed.Clusters.SelectMany(c => c.Children).Single(c => c.Id == "diagnose");
        Assert.Empty(diagnose.Children);
        Assert.Contains(diagnose.Nodes, n => n.Id == "@body:diagnose/diag-r2" && n.Name == "branch diag-r2" && n.Detail == "3 states");

        var inBodies = parallels.SelectMany(p => p.Children).SelectMany(b => b.AllNodes).Select(n => n.Id).ToHashSet();
        Assert.NotEmpty(inBodies);
        Assert.DoesNotContain(collapsed.AllNodes, n => inBodies.Contains(n.Id));
        Assert.DoesNotContain(collapsed.Edges, e => inBodies.Contains(e.From) || inBodies.Contains(e.To));
        Assert.Contains(collapsed.Edges, e => e is { From: "diagnose", To: "@body:diagnose/diag-r2", Kind: GraphEdgeKind.Fork });
        // Everything outside the bodies keeps its edges.
        var outside = whole.Edges.Where(e => !inBodies.Contains(e.From) && !inBodies.Contains(e.To) && e.Kind != GraphEdgeKind.Fork).ToList();
        Assert.All(outside, e => Assert.Contains(e, collapsed.Edges));
    }

    [Fact]
    public void An_edge_leaving_a_body_leaves_its_box()
    {
        var graph = GraphExport.Build(SyntheticNodeTests.Collisions(), new GraphOptions(Collapse: true));
        Assert.Contains(graph.Edges, e => e is { From: "body", To: "@body:body", Kind: GraphEdgeKind.Fork, Label: "" });
        Assert.Equal(["@body:start/cleanup", "@body:start/_start"], graph.AllNodes.Where(n => n.Id.StartsWith("@body:start/", StringComparison.Ordinal)).Select(n => n.Id));
    }

    [Fact]
    public void Golden_mermaid_and_dot_of_the_collisions_playbook_whole_and_collapsed()
    {
        var compiled = SyntheticNodeTests.Collisions();
        GraphGolden.AssertMatches(GraphExport.ToMermaid(compiled), "collisions.mmd");
        GraphGolden.AssertMatches(GraphExport.ToDot(compiled), "collisions.dot");
        GraphGolden.AssertMatches(GraphExport.ToMermaid(compiled, new GraphOptions(Collapse: true)), "collisions.collapsed.mmd");
        GraphGolden.AssertMatches(GraphExport.ToDot(compiled, new GraphOptions(Collapse: true)), "collisions.collapsed.dot");
    }
}
