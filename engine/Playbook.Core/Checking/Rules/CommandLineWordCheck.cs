using System.Text.RegularExpressions;
using Playbook.Diagnostics;
using Playbook.Shell;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB3107: a hole that is the whole command word of a shell line, holding a let or input whose
/// value looks like a command line ("systemctl restart nginx"). Holes are one word each, so bash looks
/// for a program with that whole name and the step fails with exit 127.</summary>
public sealed partial class CommandLineWordCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB3107" };

    // A program-like first word (a name or a path), then a space and more.
    [GeneratedRegex(@"^[A-Za-z0-9_./~-]+[ \t]+\S")]
    private static partial Regex CommandLine();

    public void Check(CheckContext context)
    {
        var model = context.Model;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in model.Inputs)
            if (input.Default is StringSyntax { IsConstant: true } s) values[input.Name.Text] = s.Template;
        foreach (var let in model.Lets)
            if (let.Value is StringSyntax { IsConstant: true } s) values[let.Name.Text] = s.Template;
        if (values.Count == 0) return;

        foreach (var state in model.States)
        {
            foreach (var clause in state.Syntax.Body)
            {
                var shell = clause switch
                {
                    ShellActionSyntax a => a,
                    ProbeSyntax { Action: ShellActionSyntax a } => a,
                    _ => null,
                };
                if (shell is null) continue;
                foreach (var (hole, where) in ShellHoleCheck.Holes(shell.Command))
                {
                    var name = hole.Expression.Code.Trim();
                    if (!where.IsCommandWord || !values.TryGetValue(name, out var value) || !CommandLine().IsMatch(value)) continue;
                    var words = string.Join(", ", value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => $"\"{w}\""));
                    context.Diagnostics.ReportWithHint(DiagnosticCatalog.CommandLineAsOneWord, hole.Span,
                        $"use exec [{words}], or write the words out in the shell command", name, value);
                }
            }
        }
    }
}
