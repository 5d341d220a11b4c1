using System.Diagnostics;
using Playbook.Cli;
using Playbook.Cli.Commands;
using Playbook.Compiling;
using Playbook.Graphs;
using Playbook.Semantics;
using Xunit;
using static Playbook.Tests.Simulate.SimulateTestSupport;

namespace Playbook.Tests.Graph;

/// <summary><c>playbook graph</c>: every state and every transition (with its outcomes and guard) is drawn,
/// phases and parallels become clusters, and the dot output is valid Graphviz.</summary>
public class GraphCommandTests
{
    private static (int Exit, string Out, string Err) Graph(string file, string format)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = new GraphCommand().Run(new GraphCommandOptions(file, format), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static CompiledPlaybook Compile(string file)
    {
        var document = PlaybookDocument.Load(file);
        Assert.False(document.HasErrors);
        return PlaybookCompiler.Compile(document.Model!);
    }

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var name in new[] { "retry-reject", "flaky", "aborts" }) data.Add(Data(name));
        foreach (var file in Directory.GetFiles(Path.Combine(Library.PlaybookLibraryTests.RepositoryRoot(), "playbooks"), "*.playbook").Order(StringComparer.Ordinal))
            data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Mermaid_has_every_state_and_edge_label(string file)
    {
        var (exit, output, err) = Graph(file, "mermaid");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.Contains("flowchart TD\n", output);
        var graph = PlaybookGraph.From(Compile(file));
        foreach (var state in Compile(file).States)
        {
            var label = state.Kind == StateKind.Phase ? "phase " + state.Name : state.Name;
            Assert.Contains("\"" + GraphExport.MermaidText(label), output);
        }
        foreach (var edge in graph.Edges.Where(e => e.Label.Length > 0))
            Assert.Contains("|\"" + string.Join("<br/>", GraphText.Wrap(edge.Label, 24).Select(GraphExport.MermaidText)) + "\"|", output);
        // Subgraphs are balanced.
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal(lines.Count(l => l.StartsWith("subgraph ", StringComparison.Ordinal)), lines.Count(l => l == "end"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dot_has_every_state_and_edge_label(string file)
    {
        var (exit, output, err) = Graph(file, "dot");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.StartsWith("digraph ", output);
        var compiled = Compile(file);
        foreach (var state in compiled.States.Where(s => s.Kind != StateKind.Phase))
            Assert.Contains("    " + GraphExport.DotId(state.Name) + " [label=", output);
        foreach (var phase in compiled.States.Where(s => s.Kind == StateKind.Phase))
            Assert.Contains("subgraph " + GraphExport.DotId("cluster_" + phase.Name), output);
        foreach (var edge in PlaybookGraph.From(compiled).Edges.Where(e => e.Label.Length > 0))
            Assert.Contains("[xlabel=" + GraphExport.DotId(string.Join("\n", GraphText.Wrap(edge.Label, 24))), output);
        Assert.Equal(output.Count(c => c == '{'), output.Count(c => c == '}'));
        AssertDotParses(output);
    }

    [Fact]
    public void Edges_carry_outcomes_fallbacks_and_guards()
    {
        var graph = PlaybookGraph.From(Compile(Shipped("worker-rollback")));
        var labels = graph.Edges.Select(e => $"{e.From} -> {e.To}: {e.Label}").ToList();
        Assert.Contains("versions -> tail: ok", labels);
        Assert.Contains("tail -> rollback: fail, timeout", labels);
        Assert.Contains("choose -> rollback: when errors > max_errors", labels);
        Assert.Contains("choose -> verify: else", labels);
        Assert.Contains("escalate -> failed: reject, timeout", labels);
        Assert.Contains("announce -> recovered: ok, fail", labels);
    }

    [Fact]
    public void Phases_and_parallels_are_nested_clusters_and_ends_are_styled()
    {
        var compiled = Compile(Data("flaky"));
        var graph = PlaybookGraph.From(compiled);
        var phase = Assert.Single(graph.Clusters);
        Assert.Equal("phase restore: Restore the service (within 15m)", phase.Label);
        var parallel = Assert.Single(phase.Children);
        Assert.Equal(GraphClusterKind.Parallel, parallel.Kind);
        Assert.Equal(["branch api: API", "branch db"], parallel.Children.Select(c => c.Label));
        Assert.Contains(graph.Edges, e => e.FromCluster && e.From == "restore" && e.To == "escalate" && e.Label == "timeout");
        Assert.Contains(graph.Edges, e => e.From == "pick" && e.ToPhase == "restore" && e.Label == "when fast");
        Assert.Contains(graph.Edges, e => e.Kind == GraphEdgeKind.Fork && e.From == "checks" && e.To == "api-check");

        var mermaid = GraphExport.ToMermaid(graph);
        Assert.Contains("    subgraph g_restore [\"phase restore: Restore the service (within 15m)\"]\n", mermaid);
        Assert.Contains("s_pick -->|\"when fast\"| g_restore\n", mermaid);
        Assert.Contains("g_restore -->|\"timeout\"| s_escalate\n", mermaid);
        Assert.Contains("    class s_done success\n", mermaid);
        Assert.Contains("    class s_handed_over,s_failed failure\n", mermaid);

        var dot = GraphExport.ToDot(graph);
        Assert.Contains("\"pick\" -> \"restart\" [xlabel=\"when fast\", lhead=\"cluster_restore\"];", dot);
        Assert.Contains("\"restart\" -> \"escalate\" [xlabel=\"timeout\", ltail=\"cluster_restore\"];", dot);
        Assert.Contains("\"done\" [label=\"done\\nsuccess: Recovered\", shape=box, peripheries=2", dot);
        Assert.Contains("\"failed\" [label=\"failed\\nfailure: Not recovered\", shape=doubleoctagon", dot);
    }

    [Fact]
    public void Labels_are_escaped()
    {
        Assert.Equal("when a #gt; 1 #amp;#amp; b #quot;x#quot; #35;1", GraphExport.MermaidText("when a > 1 && b \"x\" #1"));
        Assert.Equal("\"a \\\"b\\\" \\\\ c\\nd\"", GraphExport.DotId("a \"b\" \\ c\nd"));
    }

    [Fact]
    public void A_playbook_with_errors_is_not_drawn()
    {
        var (exit, output, err) = Graph(Data("broken"), "dot");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.Contains("PB1001", err);
    }

    [Fact]
    public void Graph_through_the_cli()
    {
        var mermaid = RunCli("graph", "flaky.playbook");
        Assert.True(mermaid.Exit == 0, mermaid.ToString());
        Assert.Contains("flowchart TD", mermaid.Out);
        var dot = RunCli("graph", "flaky.playbook", "--format", "dot");
        Assert.True(dot.Exit == 0, dot.ToString());
        AssertDotParses(dot.Out);
        Assert.Equal(ExitCodes.Usage, RunCli("graph", "flaky.playbook", "--format", "png").Exit);
        var svg = RunCli("graph", "flaky.playbook", "--format", "svg", "--collapse");
        Assert.True(svg.Exit == 0, svg.ToString());
        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", svg.Out);
        Assert.Contains("<g class=\"node collapsed\">", svg.Out);
        Assert.DoesNotContain(">api-check<", svg.Out);
    }

    /// <summary>Runs Graphviz's <c>dot</c> on the text when it is installed (apt-get install graphviz);
    /// without it the structural checks above still hold.</summary>
    private static void AssertDotParses(string text)
    {
        if (FindOnPath("dot") is not { } dot) return;
        var start = new ProcessStartInfo(dot, "-Tcanon")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "dot did not finish");
        Assert.True(process.ExitCode == 0 && stderr.Result.Length == 0, $"dot rejected the graph: {stderr.Result}\n{text}");
        _ = stdout.Result;
    }
}
