using Playbook.Compiling;
using Playbook.Shell;

namespace Playbook.LiveRuns.Actions;

/// <summary>A value would have reached a place where bash reads it again as code, and it is not a plain
/// number (or boolean, or duration): the step fails and its command never runs. The checker refuses such
/// holes unless their type proves them safe, so this is the defence in depth for values that lied.</summary>
public sealed class ShellValueRefusedException : Exception
{
    public ShellValueRefusedException(CompiledExpression hole, ShellHoleContext context, string value)
        : base($"the value of ${{{hole.Code}}} ({Preview(value)}) is not {(context.NeedsNumber ? "a plain number" : "a plain number, boolean or duration")}, "
            + $"and it stands in {context.Reason ?? "a place bash reads again"}, where bash would read it as code: the command was not run")
    {
        Hole = hole;
    }

    public CompiledExpression Hole { get; }

    private static string Preview(string value) => value.Length <= 40 ? $"\"{value}\"" : $"\"{value[..40]}…\"";
}
