using Playbook.Diagnostics;
using Playbook.Expressions;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Checking.Rules;

/// <summary>PB0008, PB1004, PB1011, PB1013, PB3001–PB3003, PB3201, PB3601, PB3602: every expression and <c>${…}</c> hole parses (JavaScript
/// through Jint's parser, C# through Roslyn — all of a playbook's C# in one compilation), reads only
/// names available where it stands (a lock's holes: inputs only), C# stays pure and JavaScript builds no code from strings. Nothing is run.</summary>
public sealed class ExpressionCheck : IPlaybookCheck
{
    /// <summary>What a step's or a wait's own expressions (capture, expect, when, until) can read about its action.</summary>
    public static IReadOnlyDictionary<string, string> ResultNames => CSharpGlobals.ResultNames;

    public IReadOnlyList<string> Reports { get; } = new[] { "PB0008", "PB1004", "PB1011", "PB1013", "PB2021", "PB3001", "PB3002", "PB3003", "PB3201", "PB3601", "PB3602" };

    /// <summary>One expression where it stands: in a state (or at the top for lets and metadata), reading
    /// the action's result or not, and for a let its place among the lets (it reads only those before it).
    /// <see cref="InLock"/>: a hole of the playbook's <c>lock</c>, which may read inputs only (PB2021, <see cref="LockCheck"/>).</summary>
    private sealed record Use(ExpressionSyntax Expression, ExpressionLanguage Language, StateSymbol? State, bool ReadsResult, int? LetIndex, bool InLock = false);

    /// <summary>Distinct JavaScript codes whose analysis is remembered during one check (2 000 entries
    /// stay well under the 85 KB large-object threshold).</summary>
    private const int MaxRemembered = 2_000;

    public void Check(CheckContext context)
    {
        var model = context.Model;
        CheckDeclaredNames(context);
        var scope = new Scope(context);
        var uses = CollectUses(context);

        // Each expression is analysed where it stands (a few microseconds each). No table of results per
        // use: on a large playbook it would outgrow the small-object heap and cost a full collection. But
        // the same code recurs (`response.status == 200`, a hole like ${service} in many strings: on the
        // generated 10 000 lines 3 647 uses are 855 distinct codes), and its analysis does not depend on
        // where it stands, so distinct codes are analysed once — up to a bound that keeps the table small.
        var analysed = new Dictionary<string, ExpressionAnalysis>(StringComparer.Ordinal);
        foreach (var use in uses)
        {
            if (use.Language != ExpressionLanguage.JavaScript) continue;
            var code = use.Expression.Code;
            if (!analysed.TryGetValue(code, out var analysis))
            {
                analysis = JavaScriptAnalyzer.Analyze(code);
                if (analysed.Count < MaxRemembered) analysed[code] = analysis;
            }
            Report(context, scope, use, analysis);
        }

        var csharp = uses.Where(u => u.Language == ExpressionLanguage.CSharp).ToList();
        if (csharp.Count > 0)
        {
            // The same holds for C#: every expression becomes a method over the same globals, so a code that
            // recurs is compiled once. A 1.5 MB line of 380 000 holes ${a} once made 380 000 Roslyn methods (39 s).
            var (codes, codeOf) = Distinct(csharp);
            var compiled = CSharpAnalyzer.AnalyzeAll(CSharpGlobals.For(model), codes);
            for (var i = 0; i < csharp.Count; i++) Report(context, scope, csharp[i], compiled[codeOf[i]]);
        }
    }

    /// <summary>The distinct codes of <paramref name="uses"/> in first-seen order, and for each use the index of its code.</summary>
    private static (List<string> Codes, int[] CodeOf) Distinct(List<Use> uses)
    {
        var codes = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var codeOf = new int[uses.Count];
        for (var i = 0; i < uses.Count; i++)
        {
            var code = uses[i].Expression.Code;
            if (!index.TryGetValue(code, out var known))
            {
                index[code] = known = codes.Count;
                codes.Add(code);
            }
            codeOf[i] = known;
        }
        return (codes, codeOf);
    }

    /// <summary>Answers "may this expression read that name?" without building a set of names per state:
    /// a capture is readable where some state that captures it comes earlier on a path (checked on demand,
    /// walking backwards, and remembered).</summary>
    private sealed class Scope
    {
        private readonly CheckContext _context;
        private readonly HashSet<string> _parameters = new(StringComparer.Ordinal);
        private readonly HashSet<string> _inputs = new(StringComparer.Ordinal);
        // Each let name with the index of its first declaration: a let reads the lets declared before it,
        // answered by comparing indexes (a set of earlier names per let was quadratic in the number of lets).
        private readonly Dictionary<string, int> _lets = new(StringComparer.Ordinal);
        // The same names in declaration order, so the names before a let are a prefix: suggesting for a let
        // reads only those (filtering every let's name per unknown name was lets × unknown names).
        private readonly List<(string Name, int Index)> _letsInOrder = new();
        private readonly Dictionary<string, HashSet<StateSymbol>> _capturers = new(StringComparer.Ordinal);
        private readonly Dictionary<StateSymbol, HashSet<string>> _own = new();
        // 'dead_letter' (the results of foreach dead-letter) for every foreach, by that name.
        private readonly Dictionary<string, HashSet<StateSymbol>> _results = new(StringComparer.Ordinal);

        public Scope(CheckContext context)
        {
            _context = context;
            foreach (var i in context.Model.Inputs)
            {
                _parameters.Add(i.Name.Text);
                _inputs.Add(i.Name.Text);
            }
            foreach (var s in context.Model.Secrets) _parameters.Add(s.Name.Text);
            var lets = context.Model.Lets;
            for (var i = 0; i < lets.Count; i++)
            {
                if (_lets.TryAdd(lets[i].Name.Text, i)) _letsInOrder.Add((lets[i].Name.Text, i));
            }
            foreach (var state in context.Model.States)
            {
                if (state.Kind == StateKind.Foreach)
                {
                    var results = ForeachScope.ResultsName(state.Name);
                    if (!_results.TryGetValue(results, out var loops)) _results[results] = loops = new HashSet<StateSymbol>();
                    loops.Add(state);
                }
                foreach (var clause in state.Syntax.Body)
                {
                    if (clause is not CaptureSyntax c) continue;
                    if (!_capturers.TryGetValue(c.Name.Text, out var set)) _capturers[c.Name.Text] = set = new HashSet<StateSymbol>();
                    set.Add(state);
                    if (!_own.TryGetValue(state, out var own)) _own[state] = own = new HashSet<string>(StringComparer.Ordinal);
                    own.Add(c.Name.Text);
                }
            }
        }

        public bool IsInput(string name) => _inputs.Contains(name);

        public bool Allows(Use use, string name)
        {
            if (_parameters.Contains(name)) return true;
            if (use.LetIndex is { } index) return _lets.TryGetValue(name, out var declared) && declared < index;
            if (_lets.ContainsKey(name)) return true;
            if (use.State is not { } state) return false;
            if (ForeachScope.ItemVisibleIn(state, name)) return true;
            if (_results.TryGetValue(name, out var loops) && _context.Flow.AnyPrecedes(loops, state)) return true;
            if (use.ReadsResult && (ResultNames.ContainsKey(name) || _own.TryGetValue(state, out var own) && own.Contains(name))) return true;
            // Walking back from here stops at the nearest state that captures the name: usually a step or two.
            return _capturers.TryGetValue(name, out var capturers) && _context.Flow.AnyPrecedes(capturers, state);
        }

        /// <summary>The states that capture <paramref name="name"/>, or null when none does.</summary>
        public IReadOnlySet<StateSymbol>? CapturersOf(string name) => _capturers.TryGetValue(name, out var set) ? set : null;

        /// <summary>Names worth suggesting for a typo: everything readable somewhere.</summary>
        public IEnumerable<string> Candidates(Use use) =>
            _parameters.Concat(_results.Keys).Concat(use.LetIndex is { } index ? _letsInOrder.TakeWhile(l => l.Index < index).Select(l => l.Name) : _lets.Keys).Concat(use.State is null ? Array.Empty<string>() : _capturers.Keys)
                .Concat(use.ReadsResult ? ResultNames.Keys : Array.Empty<string>());
    }

    private static void Report(CheckContext context, Scope scope, Use use, ExpressionAnalysis analysis)
    {
        var code = use.Expression.CodeSpan;
        TextSpan Map(int offset, int length) =>
            new(code.Start + Math.Clamp(offset, 0, code.Length), Math.Clamp(length, 0, Math.Max(0, code.Length - Math.Clamp(offset, 0, code.Length))));

        foreach (var issue in analysis.Issues)
        {
            var span = Map(issue.Offset, Math.Max(issue.Length, 1));
            if (issue.Kind == ExpressionIssueKind.TooDeep)
            {
                context.Report(DiagnosticCatalog.NestingTooDeep, span, ExpressionDepth.What, ExpressionDepth.Max);
            }
            else if (issue.Kind == ExpressionIssueKind.Refused)
            {
                var parts = issue.Message.Split('|', 3);
                context.Diagnostics.ReportWithHint(DiagnosticCatalog.JavaScriptCodeFromString, span, parts[2], parts[0], parts[1]);
            }
            else if (issue.Kind == ExpressionIssueKind.Forbidden)
            {
                var parts = issue.Message.Split('|', 2);
                context.Report(DiagnosticCatalog.ForbiddenApi, span, parts[0], parts.Length > 1 ? parts[1] : "an impure API");
            }
            else
            {
                // ${X:-0} in a shell command is bash's parameter expansion, which the playbook reads as its own hole.
                var hint = ShellHoleHints.IsShellHole(use.State, use.Expression) && ShellHoleHints.LooksLikeParameterExpansion(use.Expression.Code)
                    ? ShellHoleHints.WriteItEscaped(use.Expression.Code)
                    : null;
                context.Diagnostics.ReportWithHint(use.Language == ExpressionLanguage.JavaScript ? DiagnosticCatalog.JavaScriptSyntax : DiagnosticCatalog.CSharpError, span, hint, issue.Message);
            }
        }
        foreach (var name in analysis.FreeNames)
        {
            if (use.InLock)
            {
                // Known names that are not inputs get PB2021 (why not); a name known nowhere is a typo (PB1004).
                if (scope.IsInput(name.Name)) continue;
                if (LockCheck.WhatIs(context.Model, name.Name) is { } what)
                {
                    LockCheck.ReportNotAnInput(context, Map(name.Offset, name.Length), name.Name, what);
                    continue;
                }
                context.Diagnostics.ReportWithSuggestion(DiagnosticCatalog.UnknownName, Map(name.Offset, name.Length),
                    context.Suggest(name.Name, context.Model.Inputs.Select(i => i.Name.Text)), null, name.Name);
                continue;
            }
            if (name.Name == RunValues.Name)
            {
                CheckRunValue(context, use, name, Map);
                continue;
            }
            if (scope.Allows(use, name.Name)) continue;
            var span = Map(name.Offset, name.Length);
            var suggestion = context.Suggest(name.Name, scope.Candidates(use).Distinct());
            string? otherwise = null;
            if (ResultNames.ContainsKey(name.Name))
                otherwise = $"'{name.Name}' is the action's result: read it in this step's capture, expect or 'when', and capture what later states need";
            if (otherwise is null && use.State is { } here && scope.CapturersOf(name.Name) is { } capturers)
                otherwise = CapturedElsewhere(name.Name, here, capturers, context);
            if (otherwise is null && ShellHoleHints.IsShellHole(use.State, use.Expression))
                otherwise = ShellHoleHints.WriteItEscaped(use.Expression.Code);
            context.Diagnostics.ReportWithSuggestion(DiagnosticCatalog.UnknownName, span, suggestion, otherwise, name.Name);
        }
    }

    /// <summary>A capture read where no state before it sets it: name the state that does, and whether it runs later.</summary>
    private static string CapturedElsewhere(string name, StateSymbol here, IReadOnlySet<StateSymbol> capturers, CheckContext context)
    {
        var first = capturers.OrderBy(s => s.Syntax.Span.Start).First();
        var later = context.Flow.AnyPrecedes(new HashSet<StateSymbol> { here }, first);
        return later
            ? $"'{name}' is set by '{first.Name}', which runs later: read it after '{first.Name}', or capture it in a state before this one"
            : $"'{name}' is set by '{first.Name}', which is not on any path to here: capture it in a state before this one";
    }

    /// <summary>PB3601, PB3602: <c>run</c> is read only in the cleanup, and only for the values it has (the member
    /// after it is read from the code right where the analyser found the name).</summary>
    private static void CheckRunValue(CheckContext context, Use use, FreeName name, Func<int, int, TextSpan> map)
    {
        if (use.State?.Cleanup is null)
        {
            context.Report(DiagnosticCatalog.RunOutsideCleanup, map(name.Offset, name.Length));
            return;
        }
        if (RunValues.MemberAfter(use.Expression.Code, name.Offset + name.Length) is not var (member, offset) || RunValues.All.Contains(member)) return;
        context.Diagnostics.ReportWithSuggestion(DiagnosticCatalog.UnknownRunValue, map(offset, member.Length),
            context.Suggest(member, RunValues.All), null, member);
    }

    /// <summary>Names read by expressions must be identifiers in both languages, and not built-ins.</summary>
    private static void CheckDeclaredNames(CheckContext context)
    {
        void Check(NameSyntax name, string kind)
        {
            if (name.Text.Contains('-'))
                context.Report(DiagnosticCatalog.NotAnIdentifier, name, name.Text, kind);
            else if (ResultNames.ContainsKey(name.Text) || name.Text == RunValues.Name)
                context.Report(DiagnosticCatalog.ReservedName, name, name.Text);
        }
        foreach (var i in context.Model.Inputs) Check(i.Name, "input");
        foreach (var s in context.Model.Secrets) Check(s.Name, "secret");
        foreach (var l in context.Model.Lets) Check(l.Name, "let");
        foreach (var state in context.Model.States)
            foreach (var clause in state.Syntax.Body)
                if (clause is CaptureSyntax c) Check(c.Name, "capture");
    }

    private static List<Use> CollectUses(CheckContext context)
    {
        var model = context.Model;
        var language = model.DefaultLanguage;
        var uses = new List<Use>();

        void Add(ValueSyntax? value, StateSymbol? state, bool readsResult, int? letIndex = null, bool inLock = false)
        {
            switch (value)
            {
                case ExpressionSyntax e:
                    uses.Add(new Use(e, e.Language ?? language, state, readsResult, letIndex));
                    break;
                case StringSyntax s:
                    // An empty ${} was reported by the parser (PB3006); analysing it would only say so again.
                    foreach (var part in s.Parts)
                    {
                        if (part is InterpolationSyntax { Expression: var hole } && !hole.Code.AsSpan().IsWhiteSpace())
                            uses.Add(new Use(hole, language, state, readsResult, letIndex, inLock));
                    }
                    break;
                case MapSyntax m:
                    foreach (var entry in m.Entries) Add(entry.Value, state, readsResult, letIndex);
                    break;
                case ListSyntax l:
                    foreach (var item in l.Items) Add(item, state, readsResult, letIndex);
                    break;
            }
        }

        // A let reads inputs, secrets and the lets before it.
        for (var i = 0; i < model.Lets.Count; i++) Add(model.Lets[i].Value, null, false, i);
        foreach (var member in model.Syntax.Members)
        {
            if (member is MetadataSyntax meta) Add(meta.Value, null, false);
            else if (member is LockSyntax lockName) Add(lockName.Name, null, false, inLock: true);
        }

        foreach (var state in model.States)
        {
            Add(state.Syntax.Title, state, false);
            foreach (var clause in state.Syntax.Body) AddClause(clause, state);
            if (state.Syntax is EndSyntax end) Add(end.Message, state, false);
        }
        foreach (var branch in model.Branches) Add(branch.Syntax.Title, null, false);
        return uses;

        void AddClause(ClauseSyntax clause, StateSymbol state)
        {
            switch (clause)
            {
                case ShellActionSyntax a: Add(a.Command, state, false); break;
                case ExecActionSyntax x: foreach (var arg in x.Arguments) Add(arg, state, false); break;
                case HttpActionSyntax h:
                    Add(h.Url, state, false);
                    Add(h.Body, state, false);
                    foreach (var header in h.Headers) Add(header.Value, state, false);
                    break;
                case ScriptActionSyntax s: Add(s.Script, state, false); break;
                case CallActionSyntax c: foreach (var arg in c.Arguments) Add(arg.Value, state, false); break;
                case NotifyActionSyntax n: Add(n.Message, state, false); break;
                case EnvSyntax e: Add(e.Variables, state, false); break;
                case WorkdirSyntax w: Add(w.Path, state, false); break;
                case ProbeSyntax p: AddClause(p.Action, state); break;
                case PromptSyntax p: Add(p.Text, state, false); break;
                case DescriptionSyntax d: Add(d.Text, state, false); break;
                case ChoicesSyntax ch: foreach (var c in ch.Choices) Add(c.Label, state, false); break;
                case WhenSyntax w: Add(w.Condition, state, false); break;
                case CaptureSyntax c: Add(c.Value, state, true); break;
                case ExpectSyntax e: Add(e.Condition, state, true); break;
                case RetrySyntax { When: { } retryWhen }: Add(retryWhen, state, true); break;
                case UntilSyntax u: Add(u.Condition, state, true); break;
                case TransitionSyntax t: Add(t.When, state, true); break;
                case EachSyntax e: Add(e.List, state, false); break;
            }
        }
    }
}
