using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Parsing;

/// <summary>What the parser knows, for tools that are not the parser (the language server): which
/// statements a block takes and where comments are. Answers come from the parser's own tables and
/// lexical rules, so an editor never offers or colours what <c>playbook validate</c> would refuse.</summary>
public static class LanguageFacts
{
    /// <summary>The statement keywords valid directly inside <paramref name="block"/>: a node whose body is
    /// being written (a state, a branch, a cleanup, a <c>simulate { }</c>), or null for the playbook's top.</summary>
    public static IReadOnlyList<string> StatementKeywords(SyntaxNode? block) =>
        PlaybookParser.StatementKeywords[block switch
        {
            null or PlaybookSyntax => Blocks.Playbook,
            StepSyntax => Blocks.Step,
            DecideSyntax => Blocks.Decide,
            WaitSyntax => Blocks.Wait,
            ManualSyntax => Blocks.Manual,
            ParallelSyntax => Blocks.Parallel,
            BranchSyntax => Blocks.Branch,
            PhaseSyntax => Blocks.Phase,
            ForeachSyntax => Blocks.Foreach,
            CleanupSyntax => Blocks.Cleanup,
            SimulateSyntax => Blocks.Simulate,
            ForeachSimulateSyntax => Blocks.ForeachSimulate,
            _ => Blocks.Playbook,
        }];

    /// <summary>Every <c>#</c> comment of <paramref name="text"/>, stepping over strings and expressions
    /// (where '#' is text) as the parser's trivia rule does.</summary>
    public static IEnumerable<TextSpan> Comments(string text)
    {
        var p = 0;
        while (p < text.Length)
        {
            var c = text[p];
            if (c is '"' or '`')
            {
                var skipped = Lexical.SkipOpaque(text, p);
                p = skipped > p ? skipped : p + 1;
                continue;
            }
            if (c == '#')
            {
                var end = Lexical.SkipOpaque(text, p);
                yield return TextSpan.FromBounds(p, end);
                p = end;
                continue;
            }
            p++;
        }
    }

    /// <summary>The end of the word (name or keyword) at <paramref name="position"/>, as the parser reads
    /// names: <c>a->b</c> is <c>a</c>, <c>-></c>, <c>b</c>.</summary>
    public static int WordEnd(string text, int position) => Lexical.ScanWord(text, position);

    public static bool IsWordPart(char c) => Lexical.IsWordPart(c) || c == '-';
}
