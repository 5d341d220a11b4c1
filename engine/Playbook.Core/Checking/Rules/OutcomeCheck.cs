using Playbook.Diagnostics;
using Playbook.Semantics;

namespace Playbook.Checking.Rules;

/// <summary>PB2007, PB2008, PB2022: 'on' lines name outcomes the state can have, none is hidden behind an
/// earlier unguarded transition for the same outcome, and no guard repeats an earlier one's condition (see
/// <see cref="ReachableTransitions"/>, which the compiler follows).</summary>
public sealed class OutcomeCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2007", "PB2008", "PB2022" };

    public void Check(CheckContext context)
    {
        // One table for every state, cleared per state (it runs over every state of the playbook).
        var unguarded = new Dictionary<string, TransitionSymbol>(StringComparer.Ordinal);
        var guards = new Dictionary<OutcomeGuard, TransitionSymbol>();
        foreach (var state in context.Model.States)
        {
            guards.Clear();
            if (state.Kind == StateKind.Decide)
            {
                foreach (var t in state.Transitions) RepeatedGuard(context, guards, "decide", t);
                continue;
            }
            var accepted = PlaybookModel.AcceptedOutcomes(state);
            unguarded.Clear();
            foreach (var t in state.Transitions)
            {
                var syntax = (Syntax.TransitionSyntax)t.Syntax;
                if (syntax.IsShorthand) CheckOutcome(context, state, accepted, unguarded, guards, t, "ok", syntax);
                else foreach (var o in syntax.Outcomes) CheckOutcome(context, state, accepted, unguarded, guards, t, o.Text, o);
            }
        }
    }

    private static void CheckOutcome(CheckContext context, StateSymbol state, IReadOnlyCollection<string> accepted,
        Dictionary<string, TransitionSymbol> unguarded, Dictionary<OutcomeGuard, TransitionSymbol> guards, TransitionSymbol t,
        string outcome, Syntax.SyntaxNode node)
    {
        if (!accepted.Contains(outcome))
        {
            var can = accepted.Count == 0 ? "no outcomes" : string.Join(", ", accepted);
            var why = outcome == "timeout" && state.Kind is StateKind.Step or StateKind.Manual or StateKind.Parallel or StateKind.Wait
                ? $" (add 'timeout D' to give it a time limit)" : outcome == "timeout" && state.Kind == StateKind.Phase ? " (add 'within D' to give it a budget)" : "";
            context.Report(DiagnosticCatalog.ImpossibleOutcome, node, state.KindName, state.Name, outcome, can + why);
            return;
        }
        if (unguarded.TryGetValue(outcome, out var earlier))
        {
            context.Report(DiagnosticCatalog.ShadowedTransition, node, outcome, context.LineOf(earlier.Syntax));
            return;
        }
        if (t.Guard is null) unguarded[outcome] = t;
        else RepeatedGuard(context, guards, outcome, t);
    }

    /// <summary>An outcome and a guard's condition. A class, not a tuple: a Dictionary keyed by a struct is compiled at
    /// every start of the tool (see Collections.WalkStack).</summary>
    private sealed record OutcomeGuard(string Outcome, ReachableTransitions.GuardKey Guard);

    private static void RepeatedGuard(CheckContext context, Dictionary<OutcomeGuard, TransitionSymbol> guards, string outcome, TransitionSymbol t)
    {
        if (t.Guard is not { } guard) return;
        var key = new OutcomeGuard(outcome, ReachableTransitions.KeyOf(guard));
        if (!guards.TryAdd(key, t)) context.Report(DiagnosticCatalog.RepeatedGuard, guard, context.LineOf(guards[key].Syntax));
    }
}
