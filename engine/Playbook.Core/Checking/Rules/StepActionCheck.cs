using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2006, PB2010: a step runs exactly one action.</summary>
public sealed class StepActionCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2006", "PB2010" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax is not StepSyntax step) continue;
            var actions = step.Body.OfType<ActionSyntax>().ToList();
            if (actions.Count == 0)
                context.Report(DiagnosticCatalog.MissingAction, step.Name, step.Name.Text);
            foreach (var extra in actions.Skip(1))
                context.Report(DiagnosticCatalog.MultipleActions, extra.Keyword, step.Name.Text, context.LineOf(actions[0]));
        }
    }
}
