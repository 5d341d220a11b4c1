using Playbook.Compiling;
using Playbook.Graphs;
using Playbook.Semantics;
using Xunit;

namespace Playbook.Tests.Graph;

/// <summary><c>playbook graph</c> draws the cleanup as its own box, reached by a dashed edge from every end.</summary>
public class CleanupGraphTests
{
    private static readonly string File = Path.Combine(AppContext.BaseDirectory, "Run", "data", "with-cleanup.playbook");

    private static CompiledPlaybook Compile()
    {
        var document = PlaybookDocument.Load(File);
        Assert.False(document.HasErrors);
        return PlaybookCompiler.Compile(document.Model!);
    }

    [Fact]
    public void Mermaid_draws_the_cleanup_as_a_subgraph_reached_dashed_from_every_end()
    {
        var mermaid = GraphExport.ToMermaid(Compile());

        Assert.Contains("[\"cleanup\"]\n", mermaid);
        Assert.Contains("s_tidy(\"tidy", mermaid);
        Assert.Contains("s_done -.->|\"then cleanup\"| s_tidy\n", mermaid);
        Assert.Contains("s_failed -.->|\"then cleanup\"| s_tidy\n", mermaid);
        Assert.Contains("s_tidy -->|\"ok\"| s_linger\n", mermaid);
    }

    [Fact]
    public void Dot_draws_the_cleanup_as_a_dashed_cluster_reached_dashed_from_every_end()
    {
        var dot = GraphExport.ToDot(Compile());

        Assert.Contains("subgraph \"cluster_@cleanup\" {\n        label=\"cleanup\";\n        style=\"rounded,dashed\"; color=\"#546e7a\";\n", dot);
        Assert.Contains("\"done\" -> \"tidy\" [xlabel=\"then cleanup\", style=dashed];", dot);
        Assert.Contains("\"failed\" -> \"tidy\" [xlabel=\"then cleanup\", style=dashed];", dot);
    }
}
