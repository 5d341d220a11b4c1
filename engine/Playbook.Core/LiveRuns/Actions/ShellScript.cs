using System.Globalization;
using System.Text;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Shell;

namespace Playbook.LiveRuns.Actions;

/// <summary>A <c>shell "…"</c> command ready to run: the script text, and the environment variables its
/// holes and secrets were moved into. Values never become shell syntax: in a word, bash does not re-read
/// what a variable expands to, so <c>$(rm -rf /)</c> in a value stays text; where it would (arithmetic, a
/// nested shell…) only a plain number, boolean or duration is let through.</summary>
public sealed record ShellScript(string Script, IReadOnlyDictionary<string, string> Environment)
{
    public const string ArgumentPrefix = "PLAYBOOK_ARG_";
    public const string SecretPrefix = "PLAYBOOK_SECRET_";

    /// <summary>Renders the template: the n-th hole's value goes into <c>PLAYBOOK_ARG_n</c> and the hole
    /// becomes a reference that suits where it stands (see <see cref="Reference"/>, and
    /// <see cref="ShellContextAnalysis"/>, the same analysis the checker uses). A value that reaches a place
    /// where bash reads it again (arithmetic, a nested shell, a here-document, backquotes) must be a plain
    /// number, boolean or duration, or nothing runs: <see cref="ShellValueRefusedException"/>. Every
    /// secret is exported as <c>PLAYBOOK_SECRET_NAME</c>, so secret values never appear in the script.</summary>
    public static ShellScript Render(CompiledTemplate command, RunScope scope, IReadOnlyDictionary<string, object?>? outputs,
        IReadOnlyDictionary<string, string> secrets)
    {
        var script = new StringBuilder();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var contexts = ShellContextAnalysis.Analyze(command.Parts.Select(p => p as string));
        var holes = 0;
        foreach (var part in command.Parts)
        {
            if (part is CompiledExpression hole)
            {
                var context = contexts[holes];
                var name = ArgumentPrefix + (++holes).ToString(CultureInfo.InvariantCulture);
                var value = RunScope.Display(scope.Evaluate(hole, outputs));
                if (!ShellValueShapes.Allows(context, value)) throw new ShellValueRefusedException(hole, context, value);
                environment[name] = value;
                // A backslash just before a hole would escape the first quote of the reference and
                // unbalance the rest of the script; the reference already makes the value literal, so drop it.
                if (context.EscapePending) script.Length--;
                script.Append(context.Quoting == ShellQuoting.QuotedHereDoc ? value : Reference(context.Quoting, name));
            }
            else script.Append((string)part);
        }
        foreach (var (name, value) in secrets) environment[SecretVariable(name)] = value;
        return new ShellScript(script.ToString(), environment);
    }

    /// <summary>The variable a secret is exported as: upper case, and '-' (allowed in playbook names, not in
    /// shell variable names) as '_', so the script can write <c>$PLAYBOOK_SECRET_API_TOKEN</c>.</summary>
    public static string SecretVariable(string secretName) =>
        SecretPrefix + secretName.ToUpperInvariant().Replace('-', '_');

    /// <summary>How to refer to a variable so that its value is exactly one piece of text where it stands:
    /// unquoted it needs its own double quotes (no word splitting or globbing); inside "…" or a here-document
    /// (where a quote would be written as text) a plain <c>${NAME}</c>; inside '…' (or $'…', where nothing
    /// expands) close the quotes, expand, reopen. A quoted here-document expands nothing, so there the
    /// renderer writes the value itself, which is then a checked plain value.</summary>
    internal static string Reference(ShellQuoting context, string name) => context switch
    {
        ShellQuoting.DoubleQuoted or ShellQuoting.HereDoc => "${" + name + "}",
        ShellQuoting.SingleQuoted => "'\"$" + name + "\"'",
        ShellQuoting.AnsiCQuoted => "'\"$" + name + "\"$'",
        // In a comment nothing is expanded; the quoted form keeps the text the same as unquoted.
        _ => "\"$" + name + "\"",
    };
}
