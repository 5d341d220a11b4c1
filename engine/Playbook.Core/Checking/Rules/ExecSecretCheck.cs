using System.Text.RegularExpressions;
using Playbook.Diagnostics;
using Playbook.Shell;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB3105: an <c>exec</c> argument never holds a secret. A process's arguments are readable by
/// every local user (<c>ps</c>, <c>/proc/PID/cmdline</c>); the step's environment is not. A hole reads a
/// secret when it names one, or names a let whose value does (at any depth).</summary>
public sealed partial class ExecSecretCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB3105" };

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Name();

    public void Check(CheckContext context)
    {
        var model = context.Model;
        if (model.Secrets.Count == 0) return;
        // Which secret each name carries: the secrets themselves, then every let that reads one (lets read only earlier lets).
        var carries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in model.Secrets) carries.TryAdd(s.Name.Text, s.Name.Text);
        foreach (var let in model.Lets)
        {
            if (SecretIn(let.Value, carries) is { } secret) carries.TryAdd(let.Name.Text, secret);
        }
        foreach (var state in model.States)
        {
            foreach (var clause in state.Syntax.Body)
            {
                var exec = clause switch
                {
                    ExecActionSyntax x => x,
                    ProbeSyntax { Action: ExecActionSyntax x } => x,
                    _ => null,
                };
                if (exec is null) continue;
                foreach (var argument in exec.Arguments)
                {
                    foreach (var hole in argument.Parts.OfType<InterpolationSyntax>())
                    {
                        if (SecretIn(hole.Expression, carries) is not { } secret) continue;
                        context.Diagnostics.ReportWithHint(DiagnosticCatalog.SecretInExec, hole.Span,
                            $"the declared secrets are in the program's environment as {LiveRuns.Actions.ShellScript.SecretVariable(secret)}: read it from there (many tools take a token from an environment variable or a file)",
                            secret);
                    }
                }
            }
        }
    }

    private static string? SecretIn(ValueSyntax value, IReadOnlyDictionary<string, string> carries)
    {
        IEnumerable<ExpressionSyntax> expressions = value switch
        {
            ExpressionSyntax e => new[] { e },
            StringSyntax s => s.Holes,
            _ => Array.Empty<ExpressionSyntax>(),
        };
        foreach (var expression in expressions)
        {
            foreach (Match m in Name().Matches(expression.Code))
                if (carries.TryGetValue(m.Value, out var secret)) return secret;
        }
        return null;
    }
}
