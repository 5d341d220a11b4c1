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
            foreach (var outcome in Missing(state, unhandled))
                context.Report(DiagnosticCatalog.UnhandledOutcome, state.Syntax.Name, state.KindName, state.Name, outcome);
        }
    }

    /// <summary>The outcomes of <paramref name="state"/> that PB2002 reports: those with no unguarded
    /// transition, less a timeout whose fallback is itself missing (one line fixes both). Editors offer to
    /// add a transition for each. <paramref name="scratch"/> is reused: this runs for every state.</summary>
    public static List<string> Missing(StateSymbol state, List<string>? scratch = null)
    {
        var unhandled = scratch ?? new List<string>();
        unhandled.Clear();
        foreach (var o in PlaybookModel.OutcomesOf(state))
        {
            if (PlaybookModel.TransitionsFor(state, o) is var handlers && (handlers.Count == 0 || AllGuarded(handlers))) unhandled.Add(o);
        }
        // Each is judged against the whole first list: the kept ones are appended after it, then it is cut.
        var count = unhandled.Count;
        for (var i = 0; i < count; i++)
        {
            var fallback = PlaybookModel.FallbackOf(state, unhandled[i]);
            if (fallback is null || unhandled.IndexOf(fallback, 0, count) < 0) unhandled.Add(unhandled[i]);
        }
        unhandled.RemoveRange(0, count);
        return unhandled;
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
