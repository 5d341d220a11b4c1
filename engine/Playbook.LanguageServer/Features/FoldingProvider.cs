using Playbook.LanguageServer.Protocol;
using Playbook.Parsing;
using Playbook.Syntax;

namespace Playbook.LanguageServer.Features;

/// <summary>Folding (textDocument/foldingRange): every block that spans lines — the playbook, states,
/// phases, branches, the cleanup, <c>simulate { }</c>, maps and lists, long strings and expressions — and
/// each run of two or more comment lines. A block's closing line stays visible.</summary>
public static class FoldingProvider
{
    public static FoldingRange[] Ranges(PlaybookDocument document)
    {
        var source = document.Source;
        var text = source.Text;
        var ranges = new List<FoldingRange>();
        if (document.Model is { } model)
        {
            foreach (var node in SyntaxWalk.DescendantsAndSelf(model.Syntax))
            {
                var folds = node is PlaybookSyntax or StateSyntax and not EndSyntax or CleanupSyntax or SimulateSyntax or ForeachSimulateSyntax or MapSyntax or ListSyntax
                    || node is StringSyntax { IsLong: true } || node is ExpressionSyntax && !IsHole(node, text);
                if (!folds) continue;
                var start = source.GetPosition(node.Span.Start).Line - 1;
                var end = source.GetPosition(Math.Max(node.Span.Start, node.Span.End - 1)).Line - 1;
                // Keep the line of a closing '}' or ']' visible, as editors do for braces.
                if (node.Span.Length > 0 && text[node.Span.End - 1] is '}' or ']' && end > start) end--;
                if (end > start) ranges.Add(new FoldingRange(start, end, null));
            }
        }
        AddCommentRuns(source, ranges);
        return ranges.OrderBy(r => r.StartLine).ThenByDescending(r => r.EndLine).ToArray();
    }

    private static bool IsHole(SyntaxNode node, string text) => node.Span.Start > 1 && text[node.Span.Start - 1] == '{' && text[node.Span.Start - 2] == '$';

    private static void AddCommentRuns(Text.SourceFile source, List<FoldingRange> ranges)
    {
        int? runStart = null, runEnd = null;
        foreach (var comment in LanguageFacts.Comments(source.Text))
        {
            var position = source.GetPosition(comment.Start);
            var line = position.Line - 1;
            // Only comments alone on their line make a foldable block.
            if (!source.GetLineText(position.Line).AsSpan(0, position.Column - 1).IsWhiteSpace()) continue;
            if (runEnd == line - 1) { runEnd = line; continue; }
            if (runStart is { } s && runEnd > s) ranges.Add(new FoldingRange(s, runEnd.Value, "comment"));
            runStart = runEnd = line;
        }
        if (runStart is { } last && runEnd > last) ranges.Add(new FoldingRange(last, runEnd.Value, "comment"));
    }
}
