using System.Text.RegularExpressions;
using Playbook.LanguageServer.Protocol;
using Playbook.Parsing;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.LanguageServer.Features;

/// <summary>What to offer at the cursor, by what stands just before it on its line and which block holds it:
/// the statement keywords that block takes (the parser's own table), state and phase names after <c>-></c>
/// and <c>start</c>, the outcomes the state can have after <c>on</c>, the inputs, lets, captures, secrets
/// (and a foreach's item) inside <c>${…}</c> and expressions, and the playbooks beside this one after
/// <c>call</c>. Nothing inside a comment or a string's text.</summary>
public static partial class CompletionProvider
{
    // LSP CompletionItemKind values.
    private const int FunctionKind = 3, VariableKind = 6, ModuleKind = 9, KeywordKind = 14, FileKind = 17, EnumMemberKind = 20, ConstantKind = 21;

    public static CompletionList Complete(OpenDocument document, int offset)
    {
        var source = document.Document.Source;
        var text = source.Text;
        offset = Math.Clamp(offset, 0, text.Length);
        var wordStart = offset;
        while (wordStart > 0 && LanguageFacts.IsWordPart(text[wordStart - 1])) wordStart--;
        var lineStart = offset == 0 ? 0 : text.LastIndexOf('\n', offset - 1) + 1;
        var before = text[lineStart..wordStart];
        var replace = LineMap.ToRange(source, TextSpan.FromBounds(wordStart, offset));
        var model = document.Document.Model;
        var items = new List<CompletionItem>();
        void Add(string label, int kind, string? detail) =>
            items.Add(new CompletionItem(label, kind, detail, new TextEdit(replace, label), items.Count.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)));

        if (InComment(text, lineStart, offset)) return new CompletionList(false, []);
        var state = model is null ? null : EnclosingState(model, offset);

        if (InExpression(model, before, offset))
        {
            if (model is not null) AddValueNames(model, state, Add);
        }
        else if (InString(before)) { }
        else if (ArrowOrStart().IsMatch(before))
        {
            if (model is not null) AddStates(model, state, Add);
        }
        else if (OnOutcomes().IsMatch(before))
        {
            var outcomes = state is null ? ["ok", "fail", "timeout", "approve", "reject"] : PlaybookModel.AcceptedOutcomes(state);
            foreach (var o in outcomes) Add(o, EnumMemberKind, state is null ? "outcome" : $"outcome of {state.KindName} '{state.Name}'");
        }
        else if (CallTarget().IsMatch(before))
        {
            AddPlaybooks(document, Add);
        }
        else if (StatementStart().IsMatch(before))
        {
            var block = model is null ? null : EnclosingBlock(model.Syntax, text, offset);
            var keywords = model is null && text.AsSpan(0, lineStart).IsWhiteSpace() ? ["playbook"] : LanguageFacts.StatementKeywords(block);
            foreach (var k in keywords) Add(k, KeywordKind, null);
        }
        return new CompletionList(false, items.ToArray());
    }

    private static void AddValueNames(PlaybookModel model, StateSymbol? state, Action<string, int, string?> add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in model.Inputs) if (seen.Add(i.Name.Text)) add(i.Name.Text, VariableKind, $"input : {i.Type.Text}");
        foreach (var l in model.Lets) if (seen.Add(l.Name.Text)) add(l.Name.Text, VariableKind, "let");
        foreach (var s in model.States)
        {
            foreach (var clause in s.Syntax.Body)
            {
                if (clause is CaptureSyntax c && seen.Add(c.Name.Text)) add(c.Name.Text, VariableKind, $"capture of {s.KindName} '{s.Name}'");
            }
        }
        foreach (var s in model.Secrets) if (seen.Add(s.Name.Text)) add(s.Name.Text, ConstantKind, "secret");
        if (state is not null && ForeachScope.Enclosing(state)?.Syntax is ForeachSyntax { Each: { } each } loop && seen.Add(each.Variable.Text))
            add(each.Variable.Text, VariableKind, $"item of foreach '{loop.Name.Text}'");
    }

    /// <summary>The states a transition from here may name: those of the same branch or cleanup, else every
    /// state and phase of the main flow.</summary>
    private static void AddStates(PlaybookModel model, StateSymbol? from, Action<string, int, string?> add)
    {
        var candidates = from?.Branch is { } branch ? branch.States
            : from?.Cleanup is { } cleanup ? cleanup.States
            : model.States.Where(s => !s.InChildFlow);
        foreach (var s in candidates)
        {
            if (s == from) continue;
            var title = s.Syntax.Title is { } t ? " — " + t.Template : "";
            add(s.Name, s.Kind == StateKind.Phase ? ModuleKind : FunctionKind, s.KindName + title);
        }
    }

    private static void AddPlaybooks(OpenDocument document, Action<string, int, string?> add)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(document.Path));
        if (directory is null || !Directory.Exists(directory)) return;
        var self = Path.GetFileNameWithoutExtension(document.Path);
        foreach (var file in Directory.EnumerateFiles(directory, "*.playbook").Order(StringComparer.Ordinal).Take(OpenDocuments.MaxSiblings))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name != self) add(name, FileKind, Path.GetFileName(file));
        }
    }

    /// <summary>The innermost state (or phase) whose text holds <paramref name="offset"/>.</summary>
    private static StateSymbol? EnclosingState(PlaybookModel model, int offset)
    {
        StateSymbol? best = null;
        foreach (var s in model.States)
        {
            if (s.Syntax.Span.Start <= offset && offset <= s.Syntax.Span.End && (best is null || s.Syntax.Span.Start >= best.Syntax.Span.Start)) best = s;
        }
        return best;
    }

    /// <summary>The innermost block whose '{' is before the cursor and whose '}' (if it has one yet) after it.</summary>
    private static SyntaxNode? EnclosingBlock(PlaybookSyntax root, string text, int offset)
    {
        SyntaxNode? best = null;
        foreach (var node in SyntaxWalk.DescendantsAndSelf(root))
        {
            if (node is not (StateSyntax and not EndSyntax or CleanupSyntax or SimulateSyntax or ForeachSimulateSyntax or PlaybookSyntax)) continue;
            var span = node.Span;
            var closed = span.Length > 0 && text[span.End - 1] == '}';
            if (span.Start >= offset || (closed ? offset >= span.End : offset > span.End)) continue;
            var open = text.IndexOf('{', span.Start, offset - span.Start);
            if (open < 0) continue;
            if (best is null || span.Start >= best.Span.Start) best = node;
        }
        return best;
    }

    private static bool InComment(string text, int lineStart, int offset)
    {
        foreach (var comment in LanguageFacts.Comments(text))
        {
            if (comment.Start >= offset) return false;
            if (comment.Start < offset && offset <= comment.End && comment.Start >= lineStart) return true;
        }
        return false;
    }

    /// <summary>Inside an expression's code or a <c>${…}</c> hole: found in the tree, or — while the
    /// expression is still being typed and does not parse — by an unclosed <c>${</c> or backtick before the
    /// cursor on its line.</summary>
    private static bool InExpression(PlaybookModel? model, string before, int offset)
    {
        if (model is not null)
        {
            foreach (var node in SyntaxWalk.DescendantsAndSelf(model.Syntax))
            {
                if (node is ExpressionSyntax e && e.CodeSpan.Start <= offset && offset <= e.CodeSpan.End && e.Span.Start < offset) return true;
            }
        }
        var hole = before.LastIndexOf("${", StringComparison.Ordinal);
        if (hole >= 0 && before.IndexOf('}', hole) < 0) return true;
        return before.Count(c => c == '`') % 2 == 1;
    }

    /// <summary>In a string's text (an odd number of quotes before the cursor on its line).</summary>
    private static bool InString(string before) => before.Count(c => c == '"') % 2 == 1;

    [GeneratedRegex(@"(->|^\s*start)\s*$")]
    private static partial Regex ArrowOrStart();

    [GeneratedRegex(@"^\s*on\s+([A-Za-z]+\s*,\s*)*$")]
    private static partial Regex OnOutcomes();

    [GeneratedRegex(@"(^|[\s{;])call\s+$")]
    private static partial Regex CallTarget();

    [GeneratedRegex(@"(^|[{;])\s*$")]
    private static partial Regex StatementStart();
}
