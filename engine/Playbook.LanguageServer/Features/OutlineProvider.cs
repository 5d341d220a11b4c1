using Playbook.LanguageServer.Protocol;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.LanguageServer.Features;

/// <summary>The outline (textDocument/documentSymbol), by phase: the playbook's inputs, secrets and lets,
/// then its phases with their states, top-level states and the cleanup; under a state, its branches (with
/// their states), its foreach body, its captures and its transitions.</summary>
public static class OutlineProvider
{
    // LSP SymbolKind values.
    private const int Module = 2, Namespace = 3, Function = 12, Variable = 13, Constant = 14, Field = 8, Event = 24, Operator = 25;

    public static DocumentSymbol[] Symbols(PlaybookDocument document)
    {
        if (document.Model is not { } model) return [];
        var source = document.Source;
        var children = new List<DocumentSymbol>();
        foreach (var member in model.Syntax.Members)
        {
            switch (member)
            {
                case InputSyntax i: children.Add(Leaf(source, i.Name.Text, $"input : {i.Type.Text}", Variable, i, i.Name)); break;
                case SecretSyntax s: children.Add(Leaf(source, s.Name.Text, "secret", Constant, s, s.Name)); break;
                case LetSyntax l: children.Add(Leaf(source, l.Name.Text, "let", Variable, l, l.Name)); break;
                case StateSyntax state: children.Add(State(source, state)); break;
                case CleanupSyntax cleanup:
                    children.Add(Make(source, "cleanup", cleanup.Title?.Template, Namespace, cleanup.Span, cleanup.Keyword.Span, Body(source, cleanup.Body)));
                    break;
            }
        }
        return [Make(source, model.Name, "playbook", Module, model.Syntax.Span, model.Syntax.Name.Span, children)];
    }

    private static DocumentSymbol State(SourceFile source, StateSyntax state)
    {
        var kind = state switch
        {
            PhaseSyntax or BranchSyntax => Namespace,
            EndSyntax => Event,
            _ => Function,
        };
        var detail = state is EndSyntax end ? $"end {end.Status.Text}" : state.Kind;
        if (state.Title is { } title) detail += " — " + title.Template;
        return Make(source, state.Name.Text, detail, kind, state.Span, state.Name.Span, Body(source, state.Body));
    }

    private static List<DocumentSymbol> Body(SourceFile source, System.Collections.Immutable.ImmutableArray<ClauseSyntax> body)
    {
        var children = new List<DocumentSymbol>();
        if (body.IsDefault) return children;
        foreach (var clause in body)
        {
            switch (clause)
            {
                case StateSyntax nested: children.Add(State(source, nested)); break;
                case CaptureSyntax c: children.Add(Leaf(source, c.Name.Text, "capture", Field, c, c.Name)); break;
                case EachSyntax e: children.Add(Leaf(source, e.Variable.Text, "item", Variable, e, e.Variable)); break;
                case TransitionSyntax t:
                    children.Add(Leaf(source, $"on {string.Join(", ", t.OutcomeNames)} -> {t.Target.Text}", t.When is null ? null : "when …", Operator, t, t.Target));
                    break;
                case WhenSyntax w: children.Add(Leaf(source, $"when … -> {w.Target.Text}", null, Operator, w, w.Target)); break;
                case ElseSyntax e: children.Add(Leaf(source, $"else -> {e.Target.Text}", null, Operator, e, e.Target)); break;
            }
        }
        return children;
    }

    private static DocumentSymbol Leaf(SourceFile source, string name, string? detail, int kind, SyntaxNode node, NameSyntax selection) =>
        Make(source, name, detail, kind, node.Span, selection.Span, []);

    private static DocumentSymbol Make(SourceFile source, string name, string? detail, int kind, TextSpan span, TextSpan selection, List<DocumentSymbol> children) =>
        // The selection must lie inside the range: a recovered node can be shorter than its name.
        new(name.Length == 0 ? "?" : name, detail, kind, LineMap.ToRange(source, span.Cover(selection)), LineMap.ToRange(source, selection), children.ToArray());
}
