using Playbook.Checking.Rules;
using Playbook.Expressions;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.LanguageServer.Features;

/// <summary>What a name stands for. A name is one symbol per kind and text in a file: every capture named
/// <c>status</c> is the one variable that expressions read as <c>status</c>, as the checker sees it.</summary>
public enum NameKind
{
    State,
    Input,
    Let,
    Secret,
    Capture,
    Item,
    /// <summary>A playbook: its own <c>playbook NAME</c> and the <c>call NAME</c>s of its callers.</summary>
    Playbook,
    /// <summary>A key of <c>call NAME with { key = … }</c>: an input of the called playbook.</summary>
    CallInput,
}

/// <summary>One place a name is written. <see cref="Callee"/> is the called playbook of a <see cref="NameKind.CallInput"/>.</summary>
public sealed record NameOccurrence(NameKind Kind, string Name, TextSpan Span, bool IsDeclaration, string? Callee = null);

/// <summary>Every declaration and use of a name in one checked document, from the same model the checker
/// builds: states and phases (declarations, transition targets, start), inputs, lets, secrets, captures and
/// foreach items (declarations, and their reads in <c>${…}</c> holes and expressions, found by the checker's
/// own JavaScript and C# analysers), and calls (the playbook named and the inputs passed).</summary>
public sealed class NameIndex
{
    private NameIndex(IReadOnlyList<NameOccurrence> occurrences) => Occurrences = occurrences;

    /// <summary>In file order.</summary>
    public IReadOnlyList<NameOccurrence> Occurrences { get; }

    public static NameIndex Empty { get; } = new([]);

    /// <summary>The occurrence under <paramref name="offset"/> (its end included: a cursor just after a name still finds it).</summary>
    public NameOccurrence? At(int offset)
    {
        NameOccurrence? best = null;
        foreach (var o in Occurrences)
        {
            if (o.Span.Start <= offset && offset <= o.Span.End && (best is null || o.Span.Start > best.Span.Start)) best = o;
        }
        return best;
    }

    public IEnumerable<NameOccurrence> Same(NameOccurrence of) =>
        Occurrences.Where(o => o.Kind == of.Kind && o.Name == of.Name && o.Callee == of.Callee);

    public static NameIndex Build(PlaybookDocument document)
    {
        if (document.Model is not { } model) return Empty;
        var found = new List<NameOccurrence> { new(NameKind.Playbook, model.Name, model.Syntax.Name.Span, true) };
        foreach (var i in model.Inputs) found.Add(new(NameKind.Input, i.Name.Text, i.Name.Span, true));
        foreach (var s in model.Secrets) found.Add(new(NameKind.Secret, s.Name.Text, s.Name.Span, true));
        foreach (var l in model.Lets) found.Add(new(NameKind.Let, l.Name.Text, l.Name.Span, true));
        foreach (var state in model.States)
        {
            found.Add(new(NameKind.State, state.Name, state.Syntax.Name.Span, true));
            foreach (var t in state.Transitions) found.Add(new(NameKind.State, t.TargetName.Text, t.TargetName.Span, false));
            foreach (var clause in state.Syntax.Body)
            {
                if (clause is CaptureSyntax c) found.Add(new(NameKind.Capture, c.Name.Text, c.Name.Span, true));
                if (clause is EachSyntax e) found.Add(new(NameKind.Item, e.Variable.Text, e.Variable.Span, true));
            }
        }
        if (model.StartSyntax is { } start) found.Add(new(NameKind.State, start.Target.Text, start.Target.Span, false));
        foreach (var (call, _) in CallCheck.Calls(model))
        {
            found.Add(new(NameKind.Playbook, call.Playbook.Text, call.Playbook.Span, false));
            foreach (var arg in call.Arguments) found.Add(new(NameKind.CallInput, arg.Key.Text, arg.Key.Span, false, call.Playbook.Text));
        }
        AddExpressionReads(model, found);
        found.Sort((a, b) => a.Span.Start.CompareTo(b.Span.Start));
        return new NameIndex(found);
    }

    /// <summary>The names expressions read that this playbook declares: a read resolves as the checker's
    /// scope does — input or secret, then let, then capture, then a foreach item.</summary>
    private static void AddExpressionReads(PlaybookModel model, List<NameOccurrence> found)
    {
        var kinds = new Dictionary<string, NameKind>(StringComparer.Ordinal);
        // Lowest precedence first, so a higher one overwrites it.
        foreach (var kind in (NameKind[])[NameKind.Item, NameKind.Capture, NameKind.Let, NameKind.Secret, NameKind.Input])
        {
            foreach (var o in found)
            {
                if (o.IsDeclaration && o.Kind == kind) kinds[o.Name] = kind;
            }
        }
        if (kinds.Count == 0) return;

        var csharp = new List<ExpressionSyntax>();
        foreach (var expression in SyntaxWalk.DescendantsAndSelf(model.Syntax).OfType<ExpressionSyntax>())
        {
            if ((expression.Language ?? model.DefaultLanguage) == ExpressionLanguage.CSharp) csharp.Add(expression);
            else AddReads(expression, JavaScriptAnalyzer.Analyze(expression.Code));
        }
        if (csharp.Count > 0)
        {
            var analyses = CSharpAnalyzer.AnalyzeAll(CSharpGlobals.For(model), csharp.Select(e => e.Code).ToList());
            for (var i = 0; i < csharp.Count; i++) AddReads(csharp[i], analyses[i]);
        }

        void AddReads(ExpressionSyntax expression, ExpressionAnalysis analysis)
        {
            foreach (var name in analysis.FreeNames)
            {
                if (kinds.TryGetValue(name.Name, out var kind))
                    found.Add(new(kind, name.Name, new TextSpan(expression.CodeSpan.Start + name.Offset, name.Length), false));
            }
        }
    }
}
