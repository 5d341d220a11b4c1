using Playbook.Diagnostics;
using Playbook.Semantics;
using Playbook.Shell;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB3101–PB3104: a <c>${…}</c> hole of a <c>shell</c> command that bash (or a shell it starts)
/// reads again — arithmetic, the code of <c>bash -c</c>/<c>ssh</c>/<c>eval</c>, a here-document,
/// backquotes — must hold a value its type proves safe there: an int or number in arithmetic; an int,
/// number, bool or duration elsewhere. The contexts come from <see cref="ShellContextAnalysis"/>, the
/// same analysis the renderer of real runs uses.</summary>
public sealed class ShellHoleCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB3101", "PB3102", "PB3103", "PB3104" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            foreach (var clause in state.Syntax.Body)
            {
                var shell = clause switch
                {
                    ShellActionSyntax s => s,
                    ProbeSyntax { Action: ShellActionSyntax s } => s,
                    _ => null,
                };
                if (shell is not null) CheckCommand(context, shell.Command);
            }
        }
    }

    public static IEnumerable<(InterpolationSyntax Hole, ShellHoleContext Context)> Holes(StringSyntax command)
    {
        var contexts = ShellContextAnalysis.Analyze(command.Parts.Select(p => p is TextPartSyntax t ? t.Text : null));
        return command.Parts.OfType<InterpolationSyntax>().Zip(contexts);
    }

    private static void CheckCommand(CheckContext context, StringSyntax command)
    {
        foreach (var (hole, where) in Holes(command))
        {
            if (where.Danger == ShellDanger.None || hole.Expression.Code.AsSpan().IsWhiteSpace()) continue;
            var type = ValueTypes.TypeOf(context.Model, hole.Expression);
            var safe = where.NeedsNumber ? ShellValueShapes.NumberTypes : ShellValueShapes.SafeTypes;
            if (type is not null && Array.IndexOf(safe, type) >= 0) continue;

            var code = hole.Expression.Code.Trim();
            var what = ValueTypes.Describe(context.Model, hole.Expression, type);
            var typeFix = $"give the value a {(where.NeedsNumber ? "number" : "number, bool or duration")} type ('input {code} : int', 'capture {code} : int = `…`')";
            var (descriptor, hint) = where.Worst switch
            {
                // ssh hands its command line to the remote shell even from exec: only a safe value, or data sent another way, helps.
                ShellDanger.NestedShell when where.Reason?.Contains("'ssh'", StringComparison.Ordinal) == true => (DiagnosticCatalog.NestedShellHole,
                    $"ssh joins its arguments into one line for the remote shell, even when run with exec: {typeFix}; or let the remote side read the value from a file or from stdin, not from its command line"),
                ShellDanger.NestedShell => (DiagnosticCatalog.NestedShellHole,
                    $"use exec [\"prog\", \"arg\", \"${{{code}}}\"] to pass it as one argument with no shell; or hand it to the inner script as an argument it reads as \"$1\" (bash -c '… \"$1\"' _ ${{{code}}}) or as an environment variable; or {typeFix}"),
                ShellDanger.HereDoc => (DiagnosticCatalog.HereDocHole,
                    $"pass the value in an environment variable or an argument that the program reads, or use exec; or {typeFix}"),
                ShellDanger.Backquote => (DiagnosticCatalog.BackquoteHole,
                    "write $(…) instead of backquotes: a value inside $(…) stays one word; or " + typeFix),
                _ => (DiagnosticCatalog.ArithmeticHole,
                    $"{typeFix}; or compare it as text outside arithmetic, or use exec"),
            };
            context.Diagnostics.ReportWithHint(descriptor, hole.Span, hint, code, where.Reason ?? "a place bash reads again", what);
        }
    }
}
