using System.CommandLine;
using Playbook.Graphs;

namespace Playbook.Cli.Commands;

internal sealed record GraphCommandOptions(string File, string Format = "mermaid", bool Color = false, bool Collapse = false);

/// <summary><c>playbook graph FILE [--format mermaid|dot|svg] [--collapse]</c>: draws the compiled state machine
/// (Mermaid flowchart, Graphviz dot, or an SVG laid out here) on stdout; <c>--collapse</c> draws each branch's and
/// foreach's body as one box. Exit 0, or 2 for usage errors and playbooks with errors.</summary>
internal sealed class GraphCommand
{
    public Command CreateCommand(bool color)
    {
        var file = new Argument<string>("FILE") { Description = "The playbook to draw" };
        var format = new Option<string>("--format")
        {
            Description = "Output format: mermaid (a flowchart), dot (Graphviz) or svg (a self-contained image laid out by playbook)",
            DefaultValueFactory = _ => "mermaid",
            HelpName = "mermaid|dot|svg",
        };
        format.AcceptOnlyFromAmong("mermaid", "dot", "svg");
        var collapse = new Option<bool>("--collapse") { Description = "Draw each parallel branch's and foreach's body as one box" };
        var command = new Command("graph", "Draw a playbook's state machine as a Mermaid, Graphviz or SVG diagram") { file, format, collapse };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            return Run(new GraphCommandOptions(parseResult.GetValue(file) ?? "", parseResult.GetValue(format) ?? "mermaid", color, parseResult.GetValue(collapse)),
                invocation.Output, invocation.Error);
        });
        return command;
    }

    public int Run(GraphCommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var loaded = PlaybookLoader.Load(options.File, stderr, options.Color && !Console.IsErrorRedirected, "draw");
        if (loaded is null) return ExitCodes.Usage;
        var graph = GraphExport.Build(loaded.Compiled, new GraphOptions(options.Collapse));
        if (options.Format == "svg" && !GraphSvg.CanRender(graph))
        {
            stderr.WriteLine($"{options.File}: error: {graph.AllNodes.Count()} states are more than --format svg lays out ({GraphSvg.MaxNodes}): use --format dot or mermaid, or --collapse");
            return ExitCodes.Usage;
        }
        stdout.Write(options.Format switch
        {
            "dot" => GraphExport.ToDot(graph),
            "svg" => GraphSvg.Render(graph),
            _ => GraphExport.ToMermaid(graph),
        });
        stdout.Flush();
        return ExitCodes.Success;
    }
}
