using System.CommandLine;
using Playbook.Compiling;

namespace Playbook.Cli.Commands;

internal sealed record GraphOptions(string File, string Format = "mermaid", bool Color = false);

/// <summary><c>playbook graph FILE [--format mermaid|dot]</c>: draws the compiled state machine (Mermaid
/// flowchart or Graphviz dot) on stdout. Exit 0, or 2 for usage errors and playbooks with errors.</summary>
internal sealed class GraphCommand
{
    public Command CreateCommand(bool color)
    {
        var file = new Argument<string>("FILE") { Description = "The playbook to draw" };
        var format = new Option<string>("--format")
        {
            Description = "Output format: mermaid (a flowchart) or dot (Graphviz)",
            DefaultValueFactory = _ => "mermaid",
            HelpName = "mermaid|dot",
        };
        format.AcceptOnlyFromAmong("mermaid", "dot");
        var command = new Command("graph", "Draw a playbook's state machine as a Mermaid or Graphviz diagram") { file, format };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            return Run(new GraphOptions(parseResult.GetValue(file) ?? "", parseResult.GetValue(format) ?? "mermaid", color), invocation.Output, invocation.Error);
        });
        return command;
    }

    public int Run(GraphOptions options, TextWriter stdout, TextWriter stderr)
    {
        var loaded = PlaybookLoader.Load(options.File, stderr, options.Color && !Console.IsErrorRedirected, "draw");
        if (loaded is null) return ExitCodes.Usage;
        var graph = PlaybookGraph.From(loaded.Compiled);
        stdout.Write(options.Format == "dot" ? GraphExport.ToDot(graph) : GraphExport.ToMermaid(graph));
        stdout.Flush();
        return ExitCodes.Success;
    }
}
