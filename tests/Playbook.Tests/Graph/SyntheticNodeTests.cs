using System.Text.RegularExpressions;
using System.Xml.Linq;
using Playbook.Compiling;
using Playbook.Graphs;
using Playbook.Semantics;
using Xunit;

namespace Playbook.Tests.Graph;

/// <summary>No state, phase or branch name can merge with what a drawing adds: Graph/data/collisions.playbook names
/// a phase <c>__start</c>, branches <c>cleanup</c> and <c>_start</c>, and states <c>start</c>, <c>s_start</c>,
/// <c>g_start</c>, <c>x_start</c> and <c>end</c>; every output draws each state once, as its own node, beside the
/// start point, and each box once.</summary>
public class SyntheticNodeTests
{
    internal static CompiledPlaybook Collisions()
    {
        var document = PlaybookDocument.Load(Path.Combine(GraphGolden.Folder, "collisions.playbook"));
        Assert.False(document.HasErrors);
        return PlaybookCompiler.Compile(document.Model!);
    }

    private static readonly string[] States = ["start", "s_start", "end", "body", "g_start", "choose", "done", "failed", "x_start"];

    [Fact]
    public void Dot_draws_the_start_point_and_each_colliding_state_as_separate_nodes()
    {
        var dot = GraphExport.ToDot(Collisions());
        var declared = Regex.Matches(dot, "^\\s*(\"(?:[^\"\\\\]|\\\\.)*\") \\[", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(declared.Count, declared.Distinct().Count());
        Assert.Contains("\"@start\"", declared);
        foreach (var name in States) Assert.Contains(GraphExport.DotId(name), declared);
        Assert.Equal(States.Length + 1, declared.Count);
        // The phase named __start is a cluster, not the start point; the start point enters the parallel named start.
        Assert.Contains("subgraph \"cluster___start\" {", dot);
        Assert.Contains("\"@start\" -> \"start\";", dot);
        // Two clusters never share an id: the branch named cleanup is not the cleanup.
        var clusters = Regex.Matches(dot, "subgraph (\"[^\"]*\")").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(clusters.Count, clusters.Distinct().Count());
        Assert.Contains("\"cluster_start/cleanup\"", clusters);
        Assert.Contains("\"cluster_@cleanup\"", clusters);
    }

    [Fact]
    public void Mermaid_gives_every_node_and_cluster_its_own_id()
    {
        var mermaid = GraphExport.ToMermaid(Collisions());
        var nodeIds = Regex.Matches(mermaid, "^\\s*(s_\\w+)[\\[(\\{]", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        // The start point and nine states: ten nodes, ten ids.
        Assert.Equal(States.Length + 1, nodeIds.Count);
        Assert.Equal(nodeIds.Count, nodeIds.Distinct().Count());
        var clusterIds = Regex.Matches(mermaid, "subgraph (g_\\w+)").Select(m => m.Groups[1].Value).ToList();
        // Phase, parallel, two branches, foreach, cleanup, and the box that carries the title.
        Assert.Equal(7, clusterIds.Count);
        Assert.Equal(clusterIds.Count, clusterIds.Distinct().Count());
        Assert.Empty(nodeIds.Intersect(clusterIds));
        Assert.Contains("    subgraph g__title [\"collisions: Q#amp;A #gt; #quot;quoted#quot; #lt;img src=x<br/>onerror=alert(1)#gt;\"]\n        s__start((\" \"))\n    end\n", mermaid);
    }

    [Fact]
    public void The_model_keeps_synthetic_ids_out_of_the_names_a_playbook_can_use()
    {
        var graph = PlaybookGraph.From(Collisions());
        Assert.DoesNotContain(graph.AllNodes, n => n.Id == GraphIds.Start);
        Assert.Equal(graph.AllNodes.Count(), graph.AllNodes.Select(n => n.Id).Distinct().Count());
        var collapsed = GraphCollapse.Collapse(graph);
        Assert.All(collapsed.AllNodes.Where(n => n.Kind == GraphNodeKind.Collapsed), n => Assert.StartsWith("@body:", n.Id));
    }

    [Fact]
    public void Svg_draws_one_start_point_and_one_box_per_state()
    {
        var svg = XDocument.Parse(GraphSvg.Render(Collisions()));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Single(svg.Descendants(ns + "circle"), e => (string?)e.Attribute("class") == "start");
        var boxes = svg.Descendants(ns + "g").Where(g => ((string?)g.Attribute("class"))?.StartsWith("node ", StringComparison.Ordinal) == true).ToList();
        var firstLines = boxes.Select(b => b.Descendants(ns + "tspan").First().Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(States.Order(StringComparer.Ordinal), firstLines);
    }
}
