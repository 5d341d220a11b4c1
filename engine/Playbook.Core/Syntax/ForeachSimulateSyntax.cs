using Playbook.Text;

namespace Playbook.Syntax;

/// <summary><c>simulate { items A..B }</c> inside a foreach: how many items Monte Carlo draws per run
/// (uniformly, A to B), since a dry run cannot know how long a captured list will be.</summary>
public sealed record ForeachSimulateSyntax(NameSyntax Keyword, SimulateItemCountSyntax? Items, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>items A..B</c> (or <c>items N</c>, meaning N..N) inside a foreach's <c>simulate { }</c>.</summary>
public sealed record SimulateItemCountSyntax(NameSyntax Keyword, NumberSyntax Min, NumberSyntax Max, TextSpan Span) : ClauseSyntax(Span);
