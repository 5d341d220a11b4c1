using Playbook.Compiling;
using Playbook.Graphs;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.Foreach;

/// <summary><c>playbook graph</c> draws a foreach as one box with its body inside.</summary>
public class ForeachGraphTests
{
    private const string Body = """
        input ids : list = ["a"]
        foreach move-all {
          each id in `ids`
          parallel 2
          max 100
          step move { exec ["echo", "${id}"] timeout 10s }
          on ok   -> done
          on fail -> failed
        }
        end done success
        end failed failure
        """;

    [Fact]
    public void Mermaid_and_dot_put_the_body_inside_the_foreach_box()
    {
        var playbook = Compile(Body);
        var graph = PlaybookGraph.From(playbook);
        var box = Assert.Single(graph.Clusters);
        Assert.Equal(GraphClusterKind.Foreach, box.Kind);
        Assert.Equal("foreach move-all (each id, parallel 2, max 100)", box.Label);
        Assert.Equal(new[] { "move-all", "move" }, box.Nodes.Select(n => n.Name));

        var mermaid = GraphExport.ToMermaid(playbook);
        Assert.Contains("foreach move-all (each id, parallel 2, max 100)", mermaid);
        // The fork into the body has no label: the box already says "each id".
        Assert.Contains("    s_move_all -.-> s_move\n", mermaid);
        var dot = GraphExport.ToDot(playbook);
        Assert.Contains("cluster_move-all", dot);
        Assert.Contains("#ef6c00", dot);
    }
}
