using System.Text.RegularExpressions;
using Playbook.Semantics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>A new user writes <c>${HOSTNAME}</c> or <c>${X:-0}</c> in a shell command meaning bash's own
/// variables; the playbook reads every <c>${…}</c> as its own hole. These helpers say how to write the shell's.</summary>
internal static partial class ShellHoleHints
{
    /// <summary>True when <paramref name="expression"/> is a <c>${…}</c> hole (not a backtick expression) of the
    /// state's <c>shell</c> command or of its probe's.</summary>
    public static bool IsShellHole(StateSymbol? state, ExpressionSyntax expression)
    {
        if (state is null || expression.Span != expression.CodeSpan || state.Syntax.Body.IsDefault) return false;
        foreach (var clause in state.Syntax.Body)
        {
            var shell = clause switch
            {
                ShellActionSyntax s => s,
                ProbeSyntax { Action: ShellActionSyntax s } => s,
                _ => null,
            };
            if (shell is not null && shell.Command.Span.Contains(expression.Span.Start)) return true;
        }
        return false;
    }

    /// <summary><c>${X:-0}</c>, <c>${X#prefix}</c>, <c>${#X}</c>, <c>${X/a/b}</c>, <c>${X^^}</c>, <c>${X[0]}</c>, …: bash's
    /// parameter expansion forms, which are never a valid expression of the playbook.</summary>
    public static bool LooksLikeParameterExpansion(string code) => ParameterExpansion().IsMatch(code);

    public static string WriteItEscaped(string code) => $"to pass ${{{code}}} to the shell, write \\${{{code}}}";

    [GeneratedRegex(@"^\s*(?:[#!][A-Za-z_]\w*|[A-Za-z_]\w*\s*(?::[-=?+]?|##?|%%?|//?|\^\^?|,,?|\[))", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterExpansion();
}
