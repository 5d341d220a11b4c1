using Playbook.Diagnostics;
using Playbook.Expressions;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Checking.Rules;

/// <summary>PB2021: the playbook's <c>lock "…"</c>. Its name is not empty, has no control characters and is at most
/// <see cref="MaxLength"/> characters of literal text; its holes read inputs only — no let, secret, capture or
/// <c>run</c> value — because the lock is taken before anything of the run happens: lets are not computed yet,
/// captures do not exist, and a secret must never become a name that is stored and shown to the team. (The holes'
/// names are judged by <see cref="ExpressionCheck"/>, which analyses every expression once; it calls
/// <see cref="ReportNotAnInput"/>.) A second <c>lock</c> is PB1012: one lock per playbook, whose name can combine
/// inputs, is all mutual exclusion needs, and two locks taken one after the other could deadlock two runs.</summary>
public sealed class LockCheck : IPlaybookCheck
{
    /// <summary>The longest lock name, in characters, literal text and rendered name alike (the runner checks the latter).</summary>
    public const int MaxLength = 200;

    public IReadOnlyList<string> Reports { get; } = new[] { "PB2021" };

    public void Check(CheckContext context)
    {
        foreach (var lockName in context.Model.Syntax.Members.OfType<LockSyntax>())
        {
            var name = lockName.Name;
            var literal = string.Concat(name.Parts.OfType<TextPartSyntax>().Select(p => p.Text));
            if (name.IsConstant && literal.Trim().Length == 0)
                context.ReportWithHint(DiagnosticCatalog.InvalidLock, name, "name what runs must not do at once, like lock \"failover-${region}\"",
                    "the lock's name is empty");
            else if (literal.Any(char.IsControl))
                context.ReportWithHint(DiagnosticCatalog.InvalidLock, name, "write the name on one line, of letters, digits and -_./:",
                    "the lock's name holds a control character (a line break or a tab)");
            else if (literal.Length > MaxLength)
                context.ReportWithHint(DiagnosticCatalog.InvalidLock, name, "a short name is what the team reads when a run is refused: \"failover-${region}\"",
                    $"the lock's name is {literal.Length} characters long, over the {MaxLength} a lock name may have");
        }
    }

    /// <summary>What <paramref name="name"/> is in <paramref name="model"/> when it is a name the playbook knows but a
    /// lock may not read; null when it is an input or not known at all.</summary>
    public static string? WhatIs(PlaybookModel model, string name)
    {
        if (model.Inputs.Any(i => i.Name.Text == name)) return null;
        if (model.Secrets.Any(s => s.Name.Text == name)) return "a secret";
        if (model.Lets.Any(l => l.Name.Text == name)) return "a let";
        if (name == RunValues.Name) return "the run's own values";
        if (ExpressionCheck.ResultNames.ContainsKey(name)) return "a step's result";
        foreach (var state in model.States)
        {
            if (state.Syntax.Body.OfType<CaptureSyntax>().Any(c => c.Name.Text == name)) return $"a capture (of '{state.Name}')";
            if (state.Syntax is ForeachSyntax { Each: { } each } && each.Variable.Text == name) return $"the item of foreach '{state.Name}'";
            if (state.Kind == StateKind.Foreach && ForeachScope.ResultsName(state.Name) == name) return $"the results of foreach '{state.Name}'";
        }
        return null;
    }

    public static void ReportNotAnInput(CheckContext context, TextSpan at, string name, string what) =>
        context.Diagnostics.ReportWithHint(DiagnosticCatalog.InvalidLock, at,
            what == "a secret"
                ? "a secret must not become a name the team sees; name the lock after an input, like lock \"failover-${region}\""
                : $"use an input (input {name}: string), which the run has before its first step",
            $"the lock reads '{name}', which is {what}: a lock is taken before anything runs, so its name may read inputs only");
}
