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
        var unhandled = new List<string>();
        foreach (var state in context.Model.States)
        {
            if (state.InChildFlow) continue;
            if (state.Kind == StateKind.Decide)
            {
                if (state.Syntax.Find<ElseSyntax>() is null)
                    context.Report(DiagnosticCatalog.DecideWithoutElse, state.Syntax.Name, state.Name);
                continue;
            }
            var outcomes = PlaybookModel.OutcomesOf(state);
            // A plain loop into one reused list: this runs for every state.
            unhandled.Clear();
            foreach (var o in outcomes)
            {
                if (PlaybookModel.TransitionsFor(state, o) is var handlers && (handlers.Count == 0 || AllGuarded(handlers))) unhandled.Add(o);
            }
            foreach (var outcome in unhandled)
            {
                // A timeout that falls back to an outcome that is itself unhandled is fixed by the same line: say it once.
                if (PlaybookModel.FallbackOf(state, outcome) is { } fallback && unhandled.Contains(fallback)) continue;
                context.Report(DiagnosticCatalog.UnhandledOutcome, state.Syntax.Name, state.KindName, state.Name, outcome);
            }
        }
    }

    private static bool AllGuarded(IReadOnlyList<TransitionSymbol> handlers)
    {
        foreach (var h in handlers)
        {
            if (h.Guard is null) return false;
        }
        return true;
    }
}
