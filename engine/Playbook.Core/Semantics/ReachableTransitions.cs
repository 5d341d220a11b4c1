using Playbook.Syntax;

namespace Playbook.Semantics;

/// <summary>Which of a state's transitions for one outcome (or a decide's 'when' lines) can ever be taken. Guards are
/// tried in order, and a guard is a condition on the run's values: a transition after an unguarded one is never taken,
/// and neither is one whose condition is written exactly as an earlier one's (that one was false, or the run would not
/// have got here). The checker warns about each (PB2008, PB2022); the compiler leaves them out, so what a decision
/// costs a run is its distinct conditions, not its lines — a file repeating one 'when' 27 000 times costs one test.</summary>
public static class ReachableTransitions
{
    /// <summary>A guard's condition as written: its language (null, the playbook's default) and its trimmed code.</summary>
    public readonly record struct GuardKey(ExpressionLanguage? Language, string Code);

    public static GuardKey KeyOf(ExpressionSyntax guard) => new(guard.Language, guard.Code.Trim());

    /// <summary><paramref name="transitions"/> in order, without those that can never be taken.</summary>
    public static IEnumerable<TransitionSymbol> Of(IEnumerable<TransitionSymbol> transitions)
    {
        var seen = new HashSet<GuardKey>();
        foreach (var t in transitions)
        {
            if (t.Guard is null)
            {
                yield return t;
                yield break;
            }
            if (seen.Add(KeyOf(t.Guard))) yield return t;
        }
    }
}
