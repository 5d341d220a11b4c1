using Playbook.Compiling;

namespace Playbook.EngineCore;

/// <summary>Implemented by an action runner that decides a foreach's list or its items' outcomes itself
/// (a dry run: a scenario's <c>items</c>/<c>outcomes</c>, Monte Carlo's <c>simulate { items A..B }</c>).
/// A separate interface rather than members of <see cref="IActionRunner"/>: a real run never overrides a
/// list, so it implements nothing.</summary>
public interface IForeachScript
{
    /// <summary>The list the foreach walks instead of its <c>each</c> expression, or null to evaluate it.
    /// <paramref name="visible"/> evaluates the expression (for a runner that sizes a drawn list after it).</summary>
    IReadOnlyList<object?>? ItemsFor(CompiledState foreachState, Func<IReadOnlyList<object?>?> visible);

    /// <summary>The outcome (ok or fail) one item ends with, without its body running; null runs the body.</summary>
    string? OutcomeFor(CompiledState foreachState, object? item);
}
