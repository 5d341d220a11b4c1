using Playbook.Text;

namespace Playbook.Syntax;

/// <summary>Base of every node of the syntax tree. Nodes are immutable records that carry the
/// offset span of the text they were parsed from.</summary>
public abstract record SyntaxNode(TextSpan Span);

/// <summary>A name as written: a state, input, keyword argument, outcome…</summary>
public sealed record NameSyntax(string Text, TextSpan Span) : SyntaxNode(Span)
{
    public override string ToString() => Text;
}

/// <summary>Something that may appear in a block: a declaration, a setting, a transition or a nested state.</summary>
public abstract record ClauseSyntax(TextSpan Span) : SyntaxNode(Span);
