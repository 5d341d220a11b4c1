using Playbook.Syntax;

namespace Playbook.Semantics;

/// <summary>The names a foreach adds: its item, read only inside its body, and its results
/// (<c>dead_letter.results</c> for <c>foreach dead-letter</c>), read by the states after it.</summary>
public static class ForeachScope
{
    /// <summary>The name guards read a foreach's results by: its name with '-' as '_', an identifier in both languages.</summary>
    public static string ResultsName(string foreachName) => foreachName.Replace('-', '_');

    /// <summary>The foreach whose body holds <paramref name="state"/>, if any.</summary>
    public static StateSymbol? Enclosing(StateSymbol state) =>
        state.Branch?.Parallel is { Kind: StateKind.Foreach } loop ? loop : null;

    public static bool ItemVisibleIn(StateSymbol state, string name) =>
        Enclosing(state)?.Syntax is ForeachSyntax { Each: { } each } && each.Variable.Text == name;
}
