using Playbook.Diagnostics;
using Playbook.Syntax;
using Playbook.Text;
using Sprache;

namespace Playbook.Parsing;

/// <summary>The tree a parse could build, and what went wrong. <see cref="Syntax"/> is null only
/// when the file does not even start like a playbook.</summary>
public sealed record ParseResult(SourceFile Source, PlaybookSyntax? Syntax, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>Parses playbook text with Sprache. Never throws on bad input: it returns the tree it
/// could build and the diagnostics, recovering at statement and block boundaries.</summary>
internal sealed partial class PlaybookParser
{
    /// <summary>Deeper nesting than this is refused before parsing, so hostile input cannot exhaust the stack.
    /// The language itself never needs more than about six levels.</summary>
    public const int MaxNesting = 32;

    private readonly SourceFile _source;
    private readonly DiagnosticBag _bag;

    private PlaybookParser(SourceFile source)
    {
        _source = source;
        _bag = new DiagnosticBag(source);
        BuildTables();
    }

    public static ParseResult Parse(SourceFile source) => new PlaybookParser(source).ParseFile();

    private ParseResult ParseFile()
    {
        var tree = ParsePlaybook();
        return new ParseResult(_source, tree, _bag.ToList());
    }

    private PlaybookSyntax? ParsePlaybook()
    {
        var text = Text;
        if (NestingGuard.FindTooDeep(text, MaxNesting) is { } deep)
        {
            _bag.Report(DiagnosticCatalog.NestingTooDeep, new TextSpan(deep, 1), "blocks", MaxNesting);
            return null;
        }

        var start = Lexical.SkipTrivia(text, 0);
        if (start >= text.Length)
        {
            _bag.Report(DiagnosticCatalog.EmptyFile, new TextSpan(0, 0));
            return null;
        }

        // A Sequence, not a query that selects a tuple: Sprache's combinators over a value type (a tuple, TextSpan) are
        // framework-style generic code no ReadyToRun image holds, so the JIT compiles ~20 methods per shape at every
        // start of the tool (tools/Playbook.Benchmarks/README.md, "Cold start").
        var header = new Sequence(new SourceInput(_source, start, 0));
        if (!header.Next(Keyword("playbook"), out var keyword) || !header.Next(NameOf("the playbook's name (like worker-rollback)"), out var playbookName))
        {
            var failed = header.Fail<PlaybookSyntax>();
            ReportFailure(failed.Remainder, failed.Message, failed.Expectations);
            return null;
        }
        var block = ParseBracedBlock(header.At, Blocks.Playbook, "playbook", playbookName, keyword.Span.Cover(playbookName.Span));
        if (!block.WasSuccessful)
        {
            // Without its '{' there is no body to check: report the one error and stop.
            ReportFailure(block.Remainder, block.Message, block.Expectations);
            return null;
        }

        var rest = block.Remainder.Position;
        if (rest < text.Length)
        {
            _bag.Report(DiagnosticCatalog.TextAfterPlaybook, TokenSpan(rest), playbookName.Text);
        }
        return new PlaybookSyntax(playbookName, block.Value.Items, TextSpan.FromBounds(keyword.Span.Start, block.Value.End));
    }
}
