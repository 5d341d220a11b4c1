using Playbook.Checking.Rules;
using Playbook.LanguageServer.Protocol;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.LanguageServer.Features;

/// <summary>Code actions: for a diagnostic whose "did you mean" carries a suggestion (in its data, attached
/// where the checker or parser made it), replace the word with it; for PB2002, add the missing
/// <c>on OUTCOME -> END</c> (to a failure end for fail, timeout and reject, to a success end otherwise);
/// on a step that is neither <c>idempotent</c> nor <c>readonly</c>, mark it <c>idempotent</c>.</summary>
public static class CodeActionProvider
{
    public const string QuickFix = "quickfix";
    public const string Rewrite = "refactor.rewrite";

    public static CodeAction[] Actions(OpenDocument open, Protocol.Range range, LspDiagnostic[] diagnostics)
    {
        var document = open.Document;
        var source = document.Source;
        var actions = new List<CodeAction>();
        var titles = new HashSet<string>(StringComparer.Ordinal);
        void Add(string title, string kind, LspDiagnostic? diagnostic, TextEdit edit, bool preferred)
        {
            if (!titles.Add(title)) return;
            var change = new TextDocumentEdit(new OptionalVersionedTextDocumentIdentifier(open.Uri, open.Version), [edit]);
            actions.Add(new CodeAction(title, kind, diagnostic is null ? null : [diagnostic], preferred, new WorkspaceEdit([change])));
        }

        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Data?.Suggestion is { } suggestion)
                Add($"Change to '{suggestion}'", QuickFix, diagnostic, new TextEdit(diagnostic.Range, suggestion), preferred: true);
            if (diagnostic.Code == "PB2002" && document.Model is { } model
                && StateNamedAt(model, LineMap.ToOffset(source, diagnostic.Range.Start)) is { } state)
            {
                foreach (var outcome in UnhandledOutcomeCheck.Missing(state))
                {
                    if (EndFor(model, outcome) is not { } end) continue;
                    var clause = $"on {outcome} -> {end.Name}";
                    if (InsertClause(source, state.Syntax, state.Syntax.Body.OfType<TransitionSyntax>().LastOrDefault(), clause) is { } edit)
                        Add($"Add '{clause}'", QuickFix, diagnostic, edit, preferred: false);
                }
            }
        }

        if (document.Model is { } m && StepAt(m, LineMap.ToOffset(source, range.Start)) is { } step
            && step.Find<IdempotentSyntax>() is null && step.Find<ReadonlySyntax>() is null
            && InsertClause(source, step, step.Action, "idempotent") is { } mark)
        {
            Add($"Mark step '{step.Name.Text}' idempotent (resume may run it again)", Rewrite, null, mark, preferred: false);
        }
        return actions.ToArray();
    }

    private static StateSymbol? StateNamedAt(PlaybookModel model, int offset) =>
        model.States.FirstOrDefault(s => s.Syntax.Name.Span.Start == offset);

    private static StepSyntax? StepAt(PlaybookModel model, int offset) =>
        model.States.Select(s => s.Syntax).OfType<StepSyntax>()
            .Where(s => s.Span.Start <= offset && offset <= s.Span.End)
            .MaxBy(s => s.Span.Start);

    /// <summary>The end a missing outcome should lead to: a failure end for a failure, a success end for a success.</summary>
    private static StateSymbol? EndFor(PlaybookModel model, string outcome)
    {
        var success = outcome is "ok" or "approve";
        var ends = model.States.Where(s => s.IsEnd && !s.InChildFlow).ToList();
        return ends.FirstOrDefault(e => ((EndSyntax)e.Syntax).IsSuccess == success) ?? ends.FirstOrDefault();
    }

    /// <summary>An edit adding <paramref name="clause"/> to a block: on its own line after <paramref name="after"/>
    /// (or before the closing brace), indented as the block's clauses are; inside a one-line block, just
    /// before its '}'. Null when the block is not closed yet.</summary>
    public static TextEdit? InsertClause(SourceFile source, StateSyntax block, SyntaxNode? after, string clause)
    {
        var text = source.Text;
        if (block.Span.Length == 0 || text[block.Span.End - 1] != '}') return null;
        var close = block.Span.End - 1;
        var openLine = source.GetPosition(block.Span.Start).Line;
        var closeLine = source.GetPosition(close).Line;
        if (closeLine == openLine)
        {
            var space = close > 0 && text[close - 1] == ' ' ? "" : " ";
            var at = LineMap.ToPosition(source, close);
            return new TextEdit(new Protocol.Range(at, at), $"{space}{clause} ");
        }
        var indent = IndentOf(source, block.Body.IsDefaultOrEmpty ? null : block.Body[0])
            ?? IndentText(source.GetLineText(openLine)) + "  ";
        // After the given clause's line, else on a new line before the closing brace's line (or before the
        // brace itself when other text shares its line).
        int line;
        if (after is not null && source.GetPosition(after.Span.End).Line < closeLine) line = source.GetPosition(after.Span.End).Line + 1;
        else if (source.GetLineText(closeLine).TrimStart().StartsWith('}')) line = closeLine;
        else
        {
            var at = LineMap.ToPosition(source, close);
            return new TextEdit(new Protocol.Range(at, at), $"\n{indent}{clause}\n{IndentText(source.GetLineText(openLine))}");
        }
        var start = new Position(line - 1, 0);
        return new TextEdit(new Protocol.Range(start, start), $"{indent}{clause}\n");
    }

    private static string? IndentOf(SourceFile source, SyntaxNode? node) =>
        node is null ? null : IndentText(source.GetLineText(source.GetPosition(node.Span.Start).Line));

    private static string IndentText(string line) => line[..(line.Length - line.TrimStart().Length)];
}
