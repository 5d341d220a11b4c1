using System.Collections.Immutable;
using Playbook.Text;

namespace Playbook.Syntax;

public abstract record ValueSyntax(TextSpan Span) : SyntaxNode(Span);

public enum ExpressionLanguage
{
    JavaScript,
    CSharp,
}

/// <summary>A backtick expression (or the inside of a <c>${…}</c> hole). <see cref="CodeSpan"/> is the
/// span of <see cref="Code"/> itself, so errors inside the expression map back to the file.
/// <see cref="Language"/> is set only when the expression overrides the playbook default.</summary>
public sealed record ExpressionSyntax(string Code, ExpressionLanguage? Language, TextSpan CodeSpan, TextSpan Span) : ValueSyntax(Span);

public abstract record StringPartSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record TextPartSyntax(string Text, TextSpan Span) : StringPartSyntax(Span);

public sealed record InterpolationSyntax(ExpressionSyntax Expression, TextSpan Span) : StringPartSyntax(Span);

/// <summary>A <c>"…"</c> or <c>"""…"""</c> string, split into literal text and <c>${…}</c> holes.</summary>
public sealed record StringSyntax(ImmutableArray<StringPartSyntax> Parts, bool IsLong, TextSpan Span) : ValueSyntax(Span)
{
    public bool IsConstant => Parts.All(p => p is TextPartSyntax);

    /// <summary>The text with holes written back as <c>${…}</c>.</summary>
    public string Template => string.Concat(Parts.Select(p => p switch
    {
        TextPartSyntax t => t.Text,
        InterpolationSyntax i => "${" + i.Expression.Code + "}",
        _ => "",
    }));

    public IEnumerable<ExpressionSyntax> Holes => Parts.OfType<InterpolationSyntax>().Select(i => i.Expression);
}

public sealed record NumberSyntax(double Value, bool IsInteger, string Text, TextSpan Span) : ValueSyntax(Span);

public sealed record DurationSyntax(TimeSpan Value, string Text, TextSpan Span) : ValueSyntax(Span);

public sealed record PercentSyntax(double Value, string Text, TextSpan Span) : ValueSyntax(Span);

public sealed record BoolSyntax(bool Value, TextSpan Span) : ValueSyntax(Span);

/// <summary>A bare word used as a value (e.g. <c>join all</c>).</summary>
public sealed record WordSyntax(string Text, TextSpan Span) : ValueSyntax(Span);

public sealed record MapEntrySyntax(NameSyntax Key, ValueSyntax Value, TextSpan Span) : SyntaxNode(Span);

public sealed record MapSyntax(ImmutableArray<MapEntrySyntax> Entries, TextSpan Span) : ValueSyntax(Span);

public sealed record ListSyntax(ImmutableArray<ValueSyntax> Items, TextSpan Span) : ValueSyntax(Span);

/// <summary>Stands where a value could not be parsed, so later stages can skip it quietly.</summary>
public sealed record MissingValueSyntax(TextSpan Span) : ValueSyntax(Span);
