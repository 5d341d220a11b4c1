using Playbook.Compiling;

namespace Playbook.Graphs;

/// <summary>How to draw: <see cref="Collapse"/> draws each branch's and foreach's body as one box.</summary>
public sealed record GraphOptions(bool Collapse = false);

/// <summary>Writes a <see cref="PlaybookGraph"/> as Mermaid, Graphviz dot or SVG: the one entry point of
/// <c>playbook graph</c>, the fuzz pipeline and the report.</summary>
public static class GraphExport
{
    public static string ToMermaid(CompiledPlaybook playbook, GraphOptions? options = null) => ToMermaid(Build(playbook, options));

    public static string ToDot(CompiledPlaybook playbook, GraphOptions? options = null) => ToDot(Build(playbook, options));

    public static string ToMermaid(PlaybookGraph graph) => MermaidWriter.Write(graph);

    public static string ToDot(PlaybookGraph graph) => DotWriter.Write(graph);

    /// <summary>The drawing of a playbook with the options applied (collapsed bodies or not).</summary>
    public static PlaybookGraph Build(CompiledPlaybook playbook, GraphOptions? options = null)
    {
        var graph = PlaybookGraph.From(playbook);
        return options?.Collapse == true ? GraphCollapse.Collapse(graph) : graph;
    }

    /// <inheritdoc cref="MermaidWriter.MermaidText"/>
    public static string MermaidText(string text) => MermaidWriter.MermaidText(text);

    /// <inheritdoc cref="DotWriter.DotId"/>
    public static string DotId(string text) => DotWriter.DotId(text);
}
