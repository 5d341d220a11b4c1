using Playbook.Diagnostics;
using Playbook.Semantics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2002, PB2009: every outcome a state can have leads somewhere; otherwise the run ends
/// 'aborted'. Inside a parallel branch an outcome with no transition ends the branch, by design.</summary>
public sealed class UnhandledOutcomeCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2002", "PB2009" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Branch is not null) continue;
            if (state.Kind == StateKind.Decide)
            {
                if (state.Syntax.Find<ElseSyntax>() is null)
                    context.Report(DiagnosticCatalog.DecideWithoutElse, state.Syntax.Name, state.Name);
                continue;
            }
            foreach (var outcome in PlaybookModel.OutcomesOf(state))
            {
                var handlers = PlaybookModel.TransitionsFor(state, outcome);
                // Outcomes of a step inside a phase may be handled by nothing but the phase's own timeout:
                // that still ends the run aborted, so no exemption.
                if (handlers.Count == 0 || handlers.All(h => h.Guard is not null))
                {
                    context.Report(DiagnosticCatalog.UnhandledOutcome, state.Syntax.Name, state.KindName, state.Name, outcome);
                }
            }
        }
    }
}
