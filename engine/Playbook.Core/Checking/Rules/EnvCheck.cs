using System.Text.RegularExpressions;
using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB1701–PB1705: <c>env { }</c> and <c>workdir</c> belong to a step that starts a process (shell or exec);
/// each variable is a POSIX name, set once, to a string. Values are data: a variable through which the shell, the
/// dynamic loader or the engine itself would read code or find programs (PATH, BASH_ENV, LD_PRELOAD, IFS,
/// PLAYBOOK_*) cannot be set, so a value can never change what runs or which secret a step sees.</summary>
public sealed partial class EnvCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1701", "PB1702", "PB1703", "PB1704", "PB1705" };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PosixName();

    /// <summary>Why each refused variable is refused (PLAYBOOK_* is refused by prefix).</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["PATH"] = "it chooses which program runs; write the program's full path (exec [\"/opt/redis/bin/redis-cli\", …]) instead",
        ["BASH_ENV"] = "bash would run the file it names before the step",
        ["ENV"] = "a POSIX shell would run the file it names before the step",
        ["SHELLOPTS"] = "it changes how bash reads the step's command",
        ["BASHOPTS"] = "it changes how bash reads the step's command",
        ["IFS"] = "it changes how bash splits the step's command into words",
        ["LD_PRELOAD"] = "the dynamic loader would load the library it names into the program",
        ["LD_LIBRARY_PATH"] = "it chooses which libraries the program loads",
        ["LD_AUDIT"] = "the dynamic loader would load the library it names into the program",
    };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            var env = state.Syntax.Find<EnvSyntax>();
            var workdir = state.Syntax.Find<WorkdirSyntax>();
            if (env is null && workdir is null) continue;
            // Only steps take env and workdir (the parser says so elsewhere); a step with no action is PB2006.
            var action = state.Syntax.Find<ActionSyntax>();
            if (action is not null and not ShellActionSyntax and not ExecActionSyntax)
            {
                var what = $"'{action.Keyword.Text}' starts none";
                if (env is not null) context.Report(DiagnosticCatalog.EnvOnWrongAction, env.Keyword, "env", what);
                if (workdir is not null) context.Report(DiagnosticCatalog.EnvOnWrongAction, workdir.Keyword, "workdir", what);
            }
            if (env is not null) CheckVariables(context, env);
        }
    }

    private static void CheckVariables(CheckContext context, EnvSyntax env)
    {
        var seen = new Dictionary<string, MapEntrySyntax>(StringComparer.Ordinal);
        foreach (var entry in env.Variables.Entries)
        {
            var name = entry.Key.Text;
            if (!PosixName().IsMatch(name)) context.Report(DiagnosticCatalog.InvalidEnvName, entry.Key, name);
            else if (name.StartsWith("PLAYBOOK_", StringComparison.Ordinal))
                context.Report(DiagnosticCatalog.ReservedEnvName, entry.Key, name,
                    "PLAYBOOK_* variables are the engine's (PLAYBOOK_SECRET_* carry the declared secrets, PLAYBOOK_ARG_* the command's values)");
            else if (Refused.TryGetValue(name, out var why)) context.Report(DiagnosticCatalog.ReservedEnvName, entry.Key, name, why);
            if (seen.TryGetValue(name, out var first)) context.Report(DiagnosticCatalog.DuplicateEnvName, entry.Key, name, context.LineOf(first));
            else seen[name] = entry;
            if (entry.Value is not StringSyntax and not MissingValueSyntax) context.Report(DiagnosticCatalog.EnvValueNotString, entry.Value, name);
        }
    }
}
