using Playbook.Diagnostics;
using Playbook.Expressions;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Checking.Rules;

/// <summary>PB1004, PB1011, PB1013, PB3001–PB3003: every expression and <c>${…}</c> hole parses (JavaScript
/// through Jint's parser, C# through Roslyn — all of a playbook's C# in one compilation), reads only
/// names available where it stands, and C# stays pure. Nothing is run.</summary>
public sealed class ExpressionCheck : IPlaybookCheck
{
    /// <summary>What a step's or a wait's own expressions (capture, expect, when, until) can read about its action.</summary>
    public static readonly IReadOnlyDictionary<string, string> ResultNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["stdout"] = "string",
        ["stderr"] = "string",
        ["exit_code"] = "long",
        ["response"] = "Response",
        ["result"] = "dynamic",
    };

    public IReadOnlyList<string> Reports { get; } = new[] { "PB1004", "PB1011", "PB1013", "PB3001", "PB3002", "PB3003" };

    private sealed record Use(ExpressionSyntax Expression, ExpressionLanguage Language, IReadOnlySet<string> Scope);

    public void Check(CheckContext context)
    {
        var model = context.Model;
        CheckDeclaredNames(context);
        var uses = CollectUses(context);

        foreach (var use in uses.Where(u => u.Language == ExpressionLanguage.JavaScript))
        {
            Report(context, use, JavaScriptAnalyzer.Analyze(use.Expression.Code));
        }

        var csharp = uses.Where(u => u.Language == ExpressionLanguage.CSharp).ToList();
        if (csharp.Count > 0)
        {
            var analyses = CSharpAnalyzer.AnalyzeAll(CSharpGlobals(model), csharp.Select(u => u.Expression.Code).ToList());
            for (var i = 0; i < csharp.Count; i++) Report(context, csharp[i], analyses[i]);
        }
    }

    private static void Report(CheckContext context, Use use, ExpressionAnalysis analysis)
    {
        var code = use.Expression.CodeSpan;
        TextSpan Map(int offset, int length) =>
            new(code.Start + Math.Clamp(offset, 0, code.Length), Math.Clamp(length, 0, Math.Max(0, code.Length - Math.Clamp(offset, 0, code.Length))));

        foreach (var issue in analysis.Issues)
        {
            var span = Map(issue.Offset, Math.Max(issue.Length, 1));
            if (issue.Kind == ExpressionIssueKind.Forbidden)
            {
                var parts = issue.Message.Split('|', 2);
                context.Report(DiagnosticCatalog.ForbiddenApi, span, parts[0], parts.Length > 1 ? parts[1] : "an impure API");
            }
            else if (use.Language == ExpressionLanguage.JavaScript)
                context.Report(DiagnosticCatalog.JavaScriptSyntax, span, issue.Message);
            else
                context.Report(DiagnosticCatalog.CSharpError, span, issue.Message);
        }
        foreach (var name in analysis.FreeNames)
        {
            if (use.Scope.Contains(name.Name)) continue;
            var span = Map(name.Offset, name.Length);
            var hint = CheckContext.DidYouMean(name.Name, use.Scope);
            if (hint is null && ResultNames.ContainsKey(name.Name))
                hint = $"'{name.Name}' is the action's result: read it in this step's capture, expect or 'when', and capture what later states need";
            context.Diagnostics.ReportWithHint(DiagnosticCatalog.UnknownName, span, hint, name.Name);
        }
    }

    /// <summary>Names read by expressions must be identifiers in both languages, and not built-ins.</summary>
    private static void CheckDeclaredNames(CheckContext context)
    {
        void Check(NameSyntax name, string kind)
        {
            if (name.Text.Contains('-'))
                context.Report(DiagnosticCatalog.NotAnIdentifier, name, name.Text, kind);
            else if (ResultNames.ContainsKey(name.Text))
                context.Report(DiagnosticCatalog.ReservedName, name, name.Text);
        }
        foreach (var i in context.Model.Inputs) Check(i.Name, "input");
        foreach (var s in context.Model.Secrets) Check(s.Name, "secret");
        foreach (var l in context.Model.Lets) Check(l.Name, "let");
        foreach (var state in context.Model.States)
            foreach (var c in state.Syntax.Body.OfType<CaptureSyntax>()) Check(c.Name, "capture");
    }

    private static List<Use> CollectUses(CheckContext context)
    {
        var model = context.Model;
        var language = model.DefaultLanguage;
        var uses = new List<Use>();
        var parameters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in model.Inputs) parameters.Add(i.Name.Text);
        foreach (var s in model.Secrets) parameters.Add(s.Name.Text);

        void Add(ValueSyntax? value, IReadOnlySet<string> scope)
        {
            switch (value)
            {
                case ExpressionSyntax e:
                    uses.Add(new Use(e, e.Language ?? language, scope));
                    break;
                case StringSyntax s:
                    // An empty ${} was reported by the parser (PB3006); analysing it would only say so again.
                    foreach (var hole in s.Holes.Where(h => h.Code.Trim().Length > 0)) uses.Add(new Use(hole, language, scope));
                    break;
                case MapSyntax m:
                    foreach (var entry in m.Entries) Add(entry.Value, scope);
                    break;
                case ListSyntax l:
                    foreach (var item in l.Items) Add(item, scope);
                    break;
            }
        }

        // A let reads inputs, secrets and the lets before it.
        foreach (var let in model.Lets)
        {
            Add(let.Value, new HashSet<string>(parameters, StringComparer.Ordinal));
            parameters.Add(let.Name.Text);
        }
        foreach (var meta in model.Syntax.Members.OfType<MetadataSyntax>()) Add(meta.Value, parameters);

        var available = CapturesAvailable(context);
        foreach (var state in model.States)
        {
            var before = new HashSet<string>(parameters, StringComparer.Ordinal);
            if (available.TryGetValue(state, out var captured)) before.UnionWith(captured);
            var after = new HashSet<string>(before, StringComparer.Ordinal);
            after.UnionWith(ResultNames.Keys);
            foreach (var c in state.Syntax.Body.OfType<CaptureSyntax>()) after.Add(c.Name.Text);

            Add(state.Syntax.Title, before);
            foreach (var clause in state.Syntax.Body) AddClause(clause, before, after);
            if (state.Syntax is EndSyntax end) Add(end.Message, before);
        }
        foreach (var branch in model.Branches) Add(branch.Syntax.Title, parameters);
        return uses;

        void AddClause(ClauseSyntax clause, IReadOnlySet<string> before, IReadOnlySet<string> after)
        {
            switch (clause)
            {
                case ShellActionSyntax a: Add(a.Command, before); break;
                case HttpActionSyntax h:
                    Add(h.Url, before);
                    Add(h.Body, before);
                    foreach (var header in h.Headers) Add(header.Value, before);
                    break;
                case ScriptActionSyntax s: Add(s.Script, before); break;
                case CallActionSyntax c: foreach (var arg in c.Arguments) Add(arg.Value, before); break;
                case NotifyActionSyntax n: Add(n.Message, before); break;
                case ProbeSyntax p: AddClause(p.Action, before, after); break;
                case PromptSyntax p: Add(p.Text, before); break;
                case DescriptionSyntax d: Add(d.Text, before); break;
                case ChoicesSyntax ch: foreach (var c in ch.Choices) Add(c.Label, before); break;
                case WhenSyntax w: Add(w.Condition, before); break;
                case CaptureSyntax c: Add(c.Value, after); break;
                case ExpectSyntax e: Add(e.Condition, after); break;
                case UntilSyntax u: Add(u.Condition, after); break;
                case TransitionSyntax t: Add(t.When, after); break;
            }
        }
    }

    /// <summary>For each state, the captures some earlier state on a path to it has made.</summary>
    private static Dictionary<StateSymbol, HashSet<string>> CapturesAvailable(CheckContext context)
    {
        var result = new Dictionary<StateSymbol, HashSet<string>>();
        foreach (var source in context.Model.States)
        {
            var names = source.Syntax.Body.OfType<CaptureSyntax>().Select(c => c.Name.Text).ToList();
            if (names.Count == 0) continue;
            var from = context.Flow.Next(source);
            foreach (var reached in context.Flow.Walk(from))
            {
                if (!result.TryGetValue(reached, out var set)) result[reached] = set = new HashSet<string>(StringComparer.Ordinal);
                set.UnionWith(names);
            }
        }
        return result;
    }

    /// <summary>The typed globals C# expressions compile against.</summary>
    private static List<CSharpGlobal> CSharpGlobals(PlaybookModel model)
    {
        var globals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in model.Inputs)
        {
            globals[i.Name.Text] = i.Type.Text switch
            {
                "int" => "long",
                "number" => "double",
                "bool" => "bool",
                "duration" => "System.TimeSpan",
                _ => "string",
            };
        }
        foreach (var s in model.Secrets) globals[s.Name.Text] = "string";
        foreach (var l in model.Lets)
        {
            globals[l.Name.Text] = l.Value switch
            {
                StringSyntax => "string",
                NumberSyntax { IsInteger: true } => "long",
                NumberSyntax => "double",
                BoolSyntax => "bool",
                DurationSyntax => "System.TimeSpan",
                _ => "dynamic",
            };
        }
        foreach (var state in model.States)
            foreach (var c in state.Syntax.Body.OfType<CaptureSyntax>()) globals.TryAdd(c.Name.Text, "dynamic");
        foreach (var (name, type) in ResultNames) globals.TryAdd(name, type);
        return globals.Where(g => !g.Key.Contains('-')).Select(g => new CSharpGlobal(g.Key, g.Value)).ToList();
    }
}
