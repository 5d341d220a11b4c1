using Playbook.Syntax;

namespace Playbook.Semantics;

/// <summary>Which of a state's transitions for one outcome (or a decide's 'when' lines) can ever be taken. Guards are
/// tried in order, and a guard is a condition on the run's values: a transition after an unguarded one is never taken,
/// and neither is one whose condition is written exactly as an earlier one's (that one was false, or the run would not
/// have got here). The checker warns about each (PB2008, PB2022); the compiler leaves them out, so what a decision
/// costs a run is its distinct conditions, not its lines — a file repeating one 'when' 27 000 times costs one test.</summary>
public static class ReachableTransitions
{
    /// <summary>A guard's condition as written: its language (null, the playbook's default) and its trimmed code. A class
    /// (compared by value all the same): sets and dictionaries keyed by a struct are compiled at every start of the tool
    /// (see Collections.WalkStack).</summary>
    public sealed record GuardKey(ExpressionLanguage? Language, string Code)
    {
        // Written out: the generated members compare the nullable language through generic code compiled at every start.
        public bool Equals(GuardKey? other) => other is not null && Language == other.Language && string.Equals(Code, other.Code, StringComparison.Ordinal);

        public override int GetHashCode() => (Language is { } language ? (int)language + 1 : 0) ^ Code.GetHashCode(StringComparison.Ordinal);
    }

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
