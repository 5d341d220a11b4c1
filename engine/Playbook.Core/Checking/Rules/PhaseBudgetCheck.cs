using Playbook.Diagnostics;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;
using Playbook.Timing;

namespace Playbook.Checking.Rules;

/// <summary>PB4005: a phase's own states fit in its budget in the worst case (else its deadline may cut a
/// recovery short). Counted along the phase's states in order, without loops.</summary>
public sealed class PhaseBudgetCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB4005" };

    public void Check(CheckContext context)
    {
        foreach (var phase in context.Model.States.Where(s => s.Kind == StateKind.Phase))
        {
            if (((PhaseSyntax)phase.Syntax).Within is not { } within || phase.Entry is not { } entry) continue;
            var worst = Longest(context, phase, entry, new HashSet<StateSymbol>(), new Dictionary<StateSymbol, TimeBound>());
            if (!worst.IsUnbounded && worst.Value > within.Value)
                context.Report(DiagnosticCatalog.PhaseBudgetExceeded, within, phase.Name, DurationText.Format(worst.Value), within.Text);
        }
    }

    private static TimeBound Longest(CheckContext context, StateSymbol phase, StateSymbol state, HashSet<StateSymbol> onPath, Dictionary<StateSymbol, TimeBound> memo)
    {
        if (memo.TryGetValue(state, out var known)) return known;
        if (!onPath.Add(state)) return TimeBound.Zero;
        var cost = WorstCaseAnalysis.StateCost(state, name => context.Resolver?.WorstCase(context.Model, name) ?? TimeBound.Zero);
        if (cost.IsUnbounded) cost = TimeBound.Zero; // unbounded states are reported by the rto check
        var best = TimeBound.Zero;
        foreach (var t in state.Transitions)
        {
            if (t.Entry is { } next && next.Phase == phase)
                best = TimeBound.Max(best, Longest(context, phase, next, onPath, memo));
        }
        onPath.Remove(state);
        return memo[state] = cost + best;
    }
}
