using System.Collections.Immutable;
using Playbook.Text;

namespace Playbook.Syntax;

/// <summary><c>cleanup "title" { states }</c> at the top of a playbook: states that run once after the run
/// reaches any end. Not a state itself: like a branch, its states run as a child machine of their own, and
/// an outcome with no transition ends it.</summary>
public sealed record CleanupSyntax(NameSyntax Keyword, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span) : ClauseSyntax(Span)
{
    public IEnumerable<StateSyntax> States => Body.IsDefault ? Enumerable.Empty<StateSyntax>() : Body.OfType<StateSyntax>();
}
