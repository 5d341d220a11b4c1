using Playbook.LanguageServer.Protocol;
using Playbook.Parsing;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.LanguageServer.Features;

/// <summary>Semantic tokens (textDocument/semanticTokens/full): what a TextMate grammar cannot know — which
/// word is a state, a phase, an input, a secret — plus keywords, outcomes, types, strings (around their
/// <c>${…}</c> holes), numbers and durations, and comments. Names read inside expressions are tokens too;
/// the rest of an expression's code is left to the editor's JavaScript or C# highlighting.
/// The legend is <see cref="Legend"/> (documented in the README of this project).</summary>
public static class SemanticTokensProvider
{
    public static readonly string[] TokenTypes =
        ["keyword", "namespace", "function", "parameter", "variable", "property", "enumMember", "type", "string", "number", "comment"];

    public static readonly string[] TokenModifiers = ["declaration", "readonly"];

    public static SemanticTokensLegend Legend { get; } = new(TokenTypes, TokenModifiers);

    private const int Keyword = 0, Namespace = 1, Function = 2, Parameter = 3, Variable = 4, Property = 5, EnumMember = 6, TypeToken = 7, StringToken = 8, NumberToken = 9, CommentToken = 10;
    private const int Declaration = 1, Readonly = 2;

    private readonly record struct Token(int Start, int Length, int Type, int Modifiers);

    public static SemanticTokens Tokens(OpenDocument open)
    {
        var document = open.Document;
        var source = document.Source;
        var text = source.Text;
        var tokens = new List<Token>();
        foreach (var comment in LanguageFacts.Comments(text)) tokens.Add(new(comment.Start, comment.Length, CommentToken, 0));
        if (document.Model is { } model)
        {
            foreach (var node in SyntaxWalk.DescendantsAndSelf(model.Syntax)) AddNode(model, text, node, tokens);
            foreach (var o in open.Names.Occurrences) tokens.Add(new(o.Span.Start, o.Span.Length, TypeOf(model, o), ModifiersOf(o)));
        }
        return new SemanticTokens(Encode(source, tokens));
    }

    private static void AddNode(PlaybookModel model, string text, SyntaxNode node, List<Token> tokens)
    {
        // Every statement starts with its keyword (the parser picks the statement by it).
        if (node is ClauseSyntax or PlaybookSyntax && node.Span.Length > 0)
        {
            var end = LanguageFacts.WordEnd(text, node.Span.Start);
            if (end > node.Span.Start) tokens.Add(new(node.Span.Start, end - node.Span.Start, Keyword, 0));
        }
        switch (node)
        {
            case TransitionSyntax t: foreach (var o in t.Outcomes) tokens.Add(new(o.Span.Start, o.Span.Length, EnumMember, 0)); break;
            case EndSyntax e: tokens.Add(new(e.Status.Span.Start, e.Status.Span.Length, EnumMember, 0)); break;
            case ChoiceSyntax c: tokens.Add(new(c.Outcome.Span.Start, c.Outcome.Span.Length, EnumMember, 0)); break;
            case BranchSyntax b: tokens.Add(new(b.Name.Span.Start, b.Name.Span.Length, Namespace, Declaration)); break;
            case InputSyntax i: tokens.Add(new(i.Type.Span.Start, i.Type.Span.Length, TypeToken, 0)); break;
            case CaptureSyntax { Type: { } type }: tokens.Add(new(type.Span.Start, type.Span.Length, TypeToken, 0)); break;
            case NumberSyntax or DurationSyntax or PercentSyntax: tokens.Add(new(node.Span.Start, node.Span.Length, NumberToken, 0)); break;
            case StringSyntax s:
            {
                // The string's text around its holes: a hole's names are tokens of their own.
                var at = s.Span.Start;
                foreach (var hole in s.Parts.OfType<InterpolationSyntax>())
                {
                    if (hole.Span.Start > at) tokens.Add(new(at, hole.Span.Start - at, StringToken, 0));
                    at = Math.Max(at, hole.Span.End);
                }
                if (s.Span.End > at) tokens.Add(new(at, s.Span.End - at, StringToken, 0));
                break;
            }
        }
    }

    private static int TypeOf(PlaybookModel model, NameOccurrence o) => o.Kind switch
    {
        NameKind.State => model.Lookup(o.Name)?.Kind == StateKind.Phase ? Namespace : Function,
        NameKind.Input => Parameter,
        NameKind.Playbook => Namespace,
        NameKind.CallInput => Property,
        _ => Variable,
    };

    private static int ModifiersOf(NameOccurrence o) =>
        (o.IsDeclaration ? Declaration : 0) | (o.Kind == NameKind.Secret ? Readonly : 0);

    /// <summary>The LSP encoding: per token its line and start relative to the previous token, its length,
    /// type and modifiers. Tokens are sorted, overlaps dropped (the first wins) and split at line breaks
    /// (clients need not support tokens over several lines).</summary>
    private static int[] Encode(SourceFile source, List<Token> tokens)
    {
        tokens.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var data = new List<int>(tokens.Count * 5);
        int previousLine = 0, previousChar = 0, covered = 0;
        var text = source.Text;
        foreach (var token in tokens)
        {
            if (token.Length <= 0 || token.Start < covered) continue;
            covered = token.Start + token.Length;
            var start = token.Start;
            while (start < covered)
            {
                var lineEnd = text.IndexOf('\n', start, covered - start);
                var end = lineEnd < 0 ? covered : lineEnd;
                if (end > start)
                {
                    var p = source.GetPosition(start);
                    var line = p.Line - 1;
                    var character = p.Column - 1;
                    data.Add(line - previousLine);
                    data.Add(line == previousLine ? character - previousChar : character);
                    data.Add(end - start);
                    data.Add(token.Type);
                    data.Add(token.Modifiers);
                    previousLine = line;
                    previousChar = character;
                }
                start = end + 1;
            }
        }
        return data.ToArray();
    }
}
