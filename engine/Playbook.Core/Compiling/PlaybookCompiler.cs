using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Timing;

namespace Playbook.Compiling;

/// <summary>Turns a checked <see cref="PlaybookModel"/> into a <see cref="CompiledPlaybook"/>. The model
/// must have no errors (run the checker first): the compiler trusts names to resolve.</summary>
public static class PlaybookCompiler
{
    public static CompiledPlaybook Compile(PlaybookModel model)
    {
        var expressions = new List<ExpressionSyntax>();
        var byExpression = new Dictionary<ExpressionSyntax, CompiledExpression>(ReferenceEqualityComparer.Instance);
        CompiledExpression Expr(ExpressionSyntax syntax)
        {
            if (byExpression.TryGetValue(syntax, out var known)) return known;
            var compiled = new CompiledExpression(expressions.Count, syntax.Code, syntax.Language ?? model.DefaultLanguage, syntax);
            expressions.Add(syntax);
            byExpression[syntax] = compiled;
            return compiled;
        }
        CompiledTemplate? Template(StringSyntax? s) => s is null ? null : new CompiledTemplate(s.Parts.Select(p => p switch
        {
            TextPartSyntax t => (object)t.Text,
            InterpolationSyntax i => Expr(i.Expression),
            _ => "",
        }).ToList());

        var states = model.States.Select((s, i) => new CompiledState(s, i)).ToList();
        var bySymbol = states.ToDictionary(s => s.Symbol);
        CompiledState? Entry(StateSymbol? symbol) => symbol?.Entry is { } e ? bySymbol[e] : null;

        foreach (var state in states)
        {
            var syntax = state.Symbol.Syntax;
            state.Title = syntax.Title?.Template;
            state.Phase = state.Symbol.Phase is { } p ? bySymbol[p] : null;
            state.Timeout = syntax.Find<TimeoutSyntax>()?.Duration.Value;
            state.Retry = RetryPolicy.From(syntax.Find<RetrySyntax>());
            state.RetryWhen = syntax.Find<RetrySyntax>()?.When is { } retryWhen ? Expr(retryWhen) : null;
            state.Captures = syntax.Body.OfType<CaptureSyntax>().Select(c => new CompiledCapture(c.Name.Text, Expr(c.Value), c.Type?.Text)).ToList();
            state.Expect = syntax.Find<ExpectSyntax>() is { } ex ? Expr(ex.Condition) : null;
            state.ReadOnly = syntax.Find<ReadonlySyntax>() is not null;
            // A step that only reads may run again after a crash: readonly implies idempotent.
            state.Idempotent = state.ReadOnly || syntax.Find<IdempotentSyntax>() is not null;
            if (syntax.Find<SimulateSyntax>() is { } sim)
                state.Simulate = new SimulateHint(sim.MinDuration?.Value, sim.MaxDuration?.Value, sim.Fail?.Value, sim.Outputs is null ? null : Values.FromMap(sim.Outputs));

            var action = syntax.Body.OfType<ActionSyntax>().FirstOrDefault() ?? syntax.Find<ProbeSyntax>()?.Action;
            if (action is not null) state.Action = Action(action, Expr, Template);
            if (state.Action is not null && (syntax.Find<EnvSyntax>() is not null || syntax.Find<WorkdirSyntax>() is not null))
            {
                state.Action = state.Action with
                {
                    Environment = syntax.Find<EnvSyntax>()?.Variables.Entries
                        .Where(e => e.Value is StringSyntax)
                        .Select(e => (e.Key.Text, Template((StringSyntax)e.Value)!)).ToList() ?? [],
                    WorkingDirectory = Template(syntax.Find<WorkdirSyntax>()?.Path),
                };
            }

            state.WaitFor = syntax.Find<ForSyntax>()?.Duration.Value;
            if (syntax.Find<UntilSyntax>() is { } until)
            {
                state.Until = Expr(until.Condition);
                state.Every = until.Every?.Value;
            }
            state.Prompt = Template(syntax.Find<PromptSyntax>()?.Text);
            if (syntax.Find<ApproversSyntax>() is { } approvers)
                state.Approvers = approvers.Approvers.Select(a => string.Concat(a.Parts.OfType<TextPartSyntax>().Select(p => p.Text))).Distinct(StringComparer.Ordinal).ToList();
            if (syntax.Find<QuorumSyntax>() is { Count.IsInteger: true } quorum) state.Quorum = (int)Math.Clamp(quorum.Count.Value, 0, int.MaxValue);
            if (syntax.Find<ChoicesSyntax>() is { } choices) state.Choices = choices.Choices.Select(c => c.Outcome.Text).Distinct(StringComparer.Ordinal).ToList();
            if (syntax is PhaseSyntax phase)
            {
                state.Budget = phase.Within?.Value;
                state.Members = state.Symbol.Members.Select(m => bySymbol[m]).ToList();
            }
            if (syntax is EndSyntax end)
            {
                state.Success = end.IsSuccess;
                state.Message = Template(end.Message);
            }
            if (syntax is ForeachSyntax loop && loop.Each is { } each)
            {
                state.Branches = state.Symbol.Branches
                    .Where(b => b.Entry is not null)
                    .Select(b => new CompiledBranch(b.Name, bySymbol[b.Entry!], b.States.Select(s => bySymbol[s]).ToList()))
                    .ToList();
                state.Foreach = new ForeachSpec(each.Variable.Text, Expr(each.List),
                    loop.Parallelism is { } k ? (int)k.Value.Value : 1, loop.Max is { } m ? (int)m.Value.Value : null,
                    Semantics.ForeachScope.ResultsName(loop.Name.Text))
                {
                    ItemsHint = loop.ItemsHint is { } hint ? ((int)hint.Min.Value, (int)hint.Max.Value) : null,
                };
            }
            if (syntax is ParallelSyntax parallel)
            {
                state.Branches = state.Symbol.Branches
                    .Where(b => b.Entry is not null)
                    .Select(b => new CompiledBranch(b.Name, bySymbol[b.Entry!], b.States.Select(s => bySymbol[s]).ToList()))
                    .ToList();
                switch (parallel.Find<JoinSyntax>()?.Mode)
                {
                    case WordSyntax { Text: "any" }:
                        state.Join = JoinMode.Any;
                        break;
                    case NumberSyntax n:
                        state.Join = JoinMode.AtLeast;
                        state.JoinCount = (int)n.Value;
                        break;
                    default:
                        state.Join = JoinMode.All;
                        break;
                }
            }
            state.Transitions = Transitions(state, Expr, Entry);
        }

        var lets = model.Lets.Select(l => (l.Name.Text, l.Value switch
        {
            ExpressionSyntax e => (object?)Expr(e),
            StringSyntax s when !s.IsConstant => Template(s),
            var v => Values.FromSyntax(v),
        })).ToList();
        var start = Entry(model.Start) ?? throw new InvalidOperationException($"playbook '{model.Name}' has no start state");
        var cleanup = model.Cleanup is { Entry: { } cleanupEntry } c
            ? new CompiledBranch(CleanupSymbol.FlowName, bySymbol[cleanupEntry], c.States.Select(s => bySymbol[s]).ToList())
            : null;
        var lockName = Template(model.Syntax.Members.OfType<LockSyntax>().FirstOrDefault()?.Name);
        return new CompiledPlaybook(model, states, start, expressions) { Lets = lets, Cleanup = cleanup, Lock = lockName };
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<CompiledTransition>> Transitions(
        CompiledState state, Func<ExpressionSyntax, CompiledExpression> expr, Func<StateSymbol?, CompiledState?> entry)
    {
        var symbol = state.Symbol;
        var result = new Dictionary<string, IReadOnlyList<CompiledTransition>>(StringComparer.Ordinal);
        var index = new Dictionary<TransitionSymbol, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < symbol.Transitions.Count; i++) index[symbol.Transitions[i]] = i;

        CompiledTransition Make(TransitionSymbol t, string trigger) =>
            new(index[t], trigger, t.Guard is null ? null : expr(t.Guard), entry(t.Target), t.Target?.Name);

        if (symbol.Kind == StateKind.Decide)
        {
            result["decide"] = ReachableTransitions.Of(symbol.Transitions).Select(t => Make(t, "decide")).ToList();
            return result;
        }
        var outcomes = symbol.Kind == StateKind.Phase ? new[] { "timeout" } : PlaybookModel.AcceptedOutcomes(symbol).Union(PlaybookModel.OutcomesOf(symbol));
        foreach (var outcome in outcomes)
        {
            for (string? current = outcome; current is not null; current = PlaybookModel.FallbackOf(symbol, current))
            {
                var declared = symbol.Transitions.Where(t => t.Outcomes.Contains(current)).ToList();
                if (declared.Count == 0) continue;
                result[outcome] = ReachableTransitions.Of(declared).Select(t => Make(t, current)).ToList();
                break;
            }
        }
        return result;
    }

    private static ActionSpec Action(ActionSyntax action, Func<ExpressionSyntax, CompiledExpression> expr, Func<StringSyntax?, CompiledTemplate?> template) => action switch
    {
        ShellActionSyntax s => new ActionSpec(s, template(s.Command), null, null, Array.Empty<CompiledTemplate>(), null, null, Array.Empty<(string, object)>(), null),
        ExecActionSyntax x => new ActionSpec(x, null, null, null, Array.Empty<CompiledTemplate>(), null, null, Array.Empty<(string, object)>(), null)
        {
            Arguments = x.Arguments.Select(a => template(a)!).ToList(),
        },
        HttpActionSyntax h => new ActionSpec(h, null, template(h.Url), template(h.Body), h.Headers.Select(x => template(x.Value)!).ToList(), null, null, Array.Empty<(string, object)>(), null),
        ScriptActionSyntax s => new ActionSpec(s, null, null, null, Array.Empty<CompiledTemplate>(), expr(s.Script), null, Array.Empty<(string, object)>(), null),
        CallActionSyntax c => new ActionSpec(c, null, null, null, Array.Empty<CompiledTemplate>(), null, c.Playbook.Text,
            c.Arguments.Select(a => (a.Key.Text, a.Value switch
            {
                StringSyntax str => (object)template(str)!,
                ExpressionSyntax e => expr(e),
                var v => Values.FromSyntax(v) ?? "",
            })).ToList(), null),
        NotifyActionSyntax n => new ActionSpec(n, null, null, null, Array.Empty<CompiledTemplate>(), null, null, Array.Empty<(string, object)>(), template(n.Message)),
        _ => throw new InvalidOperationException($"unknown action {action.Keyword.Text}"),
    };
}
