using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Playbook.Expressions;

/// <summary>An expression with the names that cannot mean anything replaced by placeholders (<c>__u0</c>,
/// <c>__u1</c>, … in order of first use), and the way back to the original's positions. Expressions of the
/// same shape — <c>w1 + 1</c> and <c>w2 + 1</c> when neither name exists — bind alike: each unknown name is
/// an error on its own and nothing else, so the shape is compiled once for all of them (a file of 100 000
/// lets <c>`wN`</c> made 100 000 Roslyn methods). Only expressions where renaming is certain to change
/// nothing get a shape: no declarations (lambda parameters, pattern and out variables, query ranges), and
/// every renamed name used as a value, never as a type.</summary>
internal sealed class CSharpShape
{
    /// <summary>What placeholders start with; names the user spells that start with "__" are left as they are.</summary>
    public const string PlaceholderPrefix = "__u";

    private readonly Rename[] _renames;

    private CSharpShape(string text, Rename[] renames)
    {
        Text = text;
        _renames = renames;
    }

    /// <summary>The expression as compiled.</summary>
    public string Text { get; }

    private readonly record struct Rename(int ShapeStart, int ShapeLength, int CodeStart, int CodeLength);

    /// <summary>The shape of <paramref name="code"/>, or null when it has nothing to rename or renaming is not safe.</summary>
    /// <param name="mayMean">Whether a simple name could bind to something: a global, a type or namespace, a
    /// member of the generated class, a keyword. Those are never renamed.</param>
    public static CSharpShape? Of(string code, ExpressionSyntax expression, Func<string, bool> mayMean)
    {
        var placeholders = new Dictionary<string, string>(StringComparer.Ordinal);
        List<(SyntaxToken Token, string Placeholder)>? renamed = null;
        foreach (var token in expression.DescendantTokens())
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken))
            {
                continue;
            }
            // A name that is declared here, or generic, or anything but a plain name: keep the expression as it is.
            if (token.Parent is not IdentifierNameSyntax name)
            {
                return null;
            }
            // Member names, argument names and anonymous-object member names are not looked up as simple names.
            if (IsMemberName(name) || mayMean(token.ValueText))
            {
                continue;
            }
            if (!IsValue(name))
            {
                return null;
            }
            if (!placeholders.TryGetValue(token.ValueText, out var placeholder))
            {
                placeholder = PlaceholderPrefix + placeholders.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                placeholders[token.ValueText] = placeholder;
            }
            (renamed ??= new()).Add((token, placeholder));
        }
        if (renamed is null)
        {
            return null;
        }

        var text = new StringBuilder(code.Length);
        var renames = new Rename[renamed.Count];
        int at = 0;
        for (int i = 0; i < renamed.Count; i++)
        {
            var (token, placeholder) = renamed[i];
            text.Append(code, at, token.SpanStart - at);
            renames[i] = new Rename(text.Length, placeholder.Length, token.SpanStart, token.Span.Length);
            text.Append(placeholder);
            at = token.Span.End;
        }
        text.Append(code, at, code.Length - at);
        return new CSharpShape(text.ToString(), renames);
    }

    private static bool IsMemberName(IdentifierNameSyntax name) => name.Parent switch
    {
        MemberAccessExpressionSyntax access => access.Name == name,
        MemberBindingExpressionSyntax => true,
        QualifiedNameSyntax qualified => qualified.Right == name,
        NameColonSyntax or NameEqualsSyntax => true,
        _ => false,
    };

    /// <summary>Where an unknown name is an error that mentions nothing but its own position (CS0103): as an
    /// operand, an argument, a receiver, something called or indexed. As a type (a cast, <c>is</c>, <c>as</c>,
    /// <c>new</c>, <c>typeof</c>) the error would name it, so such an expression is kept as it is.</summary>
    private static bool IsValue(IdentifierNameSyntax name) => name.Parent switch
    {
        null => true,
        ParenthesizedExpressionSyntax or PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax or ConditionalExpressionSyntax
            or InterpolationSyntax or ElementAccessExpressionSyntax or InvocationExpressionSyntax
            or ConditionalAccessExpressionSyntax or InitializerExpressionSyntax => true,
        ArgumentSyntax argument => argument.RefKindKeyword.IsKind(SyntaxKind.None),
        MemberAccessExpressionSyntax access => access.Expression == name,
        BinaryExpressionSyntax binary => !binary.IsKind(SyntaxKind.IsExpression) && !binary.IsKind(SyntaxKind.AsExpression),
        _ => false,
    };

    /// <summary>Position <paramref name="offset"/> of the shape, in the original code.</summary>
    private int Map(int offset)
    {
        int shift = 0;
        foreach (var rename in _renames)
        {
            if (offset < rename.ShapeStart)
            {
                break;
            }
            if (offset < rename.ShapeStart + rename.ShapeLength)
            {
                return rename.CodeStart + Math.Min(offset - rename.ShapeStart, rename.CodeLength);
            }
            shift = rename.CodeStart + rename.CodeLength - (rename.ShapeStart + rename.ShapeLength);
        }
        return offset + shift;
    }

    /// <summary>Copies what checking the shape found into <paramref name="issues"/> and <paramref name="names"/>
    /// at the original's positions, with the original's names. False (and nothing copied) when a message
    /// names a placeholder: then the expression must be compiled as it is.</summary>
    public bool TryMapInto(string code, IReadOnlyList<ExpressionIssue> shapeIssues, IReadOnlyList<FreeName> shapeNames, List<ExpressionIssue> issues, List<FreeName> names)
    {
        if (shapeIssues.Any(i => i.Message.Contains(PlaceholderPrefix, StringComparison.Ordinal)))
        {
            return false;
        }
        foreach (var issue in shapeIssues)
        {
            int start = Map(issue.Offset);
            issues.Add(issue with { Offset = start, Length = Math.Max(0, Map(issue.Offset + issue.Length) - start) });
        }
        foreach (var name in shapeNames)
        {
            int start = Map(name.Offset);
            int length = Math.Max(0, Map(name.Offset + name.Length) - start);
            string text = name.Name.StartsWith(PlaceholderPrefix, StringComparison.Ordinal) ? code.Substring(start, length).TrimStart('@') : name.Name;
            names.Add(new FreeName(text, start, length));
        }
        return true;
    }
}
