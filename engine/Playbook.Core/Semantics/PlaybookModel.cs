using System.Collections.Immutable;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Semantics;

/// <summary>What a playbook declares, with names resolved: its states and phases, parameters,
/// start state and the transitions between states. Built once from the syntax tree and shared by
/// every check (and later by the compiler).</summary>
public sealed class PlaybookModel
{
    public static readonly string[] StepOutcomes = { "ok", "fail", "timeout" };

    private readonly Dictionary<string, StateSymbol> _byName = new(StringComparer.Ordinal);

    private PlaybookModel(SourceFile source, PlaybookSyntax syntax)
    {
        Source = source;
        Syntax = syntax;
    }

    public SourceFile Source { get; }

    public PlaybookSyntax Syntax { get; }

    public string Name => Syntax.Name.Text;

    /// <summary>Every state and phase, in file order (phases before their members).</summary>
    public List<StateSymbol> States { get; } = new();

    public List<BranchSymbol> Branches { get; } = new();

    /// <summary>The playbook's cleanup (its first, when it declares several: the checker refuses the others).</summary>
    public CleanupSymbol? Cleanup { get; private set; }

    /// <summary>Every cleanup block declared after the first, for the checker.</summary>
    public List<CleanupSyntax> ExtraCleanups { get; } = new();

    public List<InputSyntax> Inputs { get; } = new();

    public List<SecretSyntax> Secrets { get; } = new();

    public List<LetSyntax> Lets { get; } = new();

    public StateSymbol? Start { get; private set; }

    /// <summary>Names declared twice: the later declarations, for the duplicate check.</summary>
    public List<(StateSymbol Duplicate, StateSymbol First)> DuplicateStates { get; } = new();

    public ExpressionLanguage DefaultLanguage => Settings.Language;

    public TimeSpan? Rto => Settings.Rto;

    // Found once: each is a walk over every member, and they are read per expression (compiling) and per run
    // (simulate --runs, test): a playbook of 100 000 lets walked 100 000 members each time. A reference is
    // written whole, so threads that find it at once need no lock.
    private sealed record PlaybookSettings(ExpressionLanguage Language, TimeSpan? Rto);

    private PlaybookSettings? _settings;

    private PlaybookSettings Settings => _settings ??= new PlaybookSettings(
        DeclaredLanguage() ?? ExpressionLanguage.JavaScript,
        Syntax.Members.OfType<ObjectiveSyntax>().FirstOrDefault(o => o.Keyword.Text == "rto")?.Duration.Value);

    // A loop, not LINQ over a nullable enum: that generic code is compiled at every start (Collections.WalkStack).
    private ExpressionLanguage? DeclaredLanguage()
    {
        foreach (var setting in Syntax.Members.OfType<ExpressionsSyntax>())
        {
            if (setting.Value is { } language) return language;
        }
        return null;
    }

    public StateSymbol? Lookup(string name) => _byName.GetValueOrDefault(name);

    public IEnumerable<string> StateNames => _byName.Keys;

    /// <summary>States that run (everything but phases).</summary>
    public IEnumerable<StateSymbol> RunnableStates => States.Where(s => s.Kind != StateKind.Phase);

    public static PlaybookModel Build(SourceFile source, PlaybookSyntax syntax)
    {
        var model = new PlaybookModel(source, syntax);
        model.Declare(syntax.Members, phase: null, branch: null);
        foreach (var cleanup in syntax.Members.OfType<CleanupSyntax>())
        {
            if (model.Cleanup is not null)
            {
                model.ExtraCleanups.Add(cleanup);
                continue;
            }
            model.Cleanup = new CleanupSymbol(cleanup);
            model.Declare(cleanup.Body, phase: null, branch: null, model.Cleanup);
        }
        model.ResolveTransitions();
        model.ResolveStart();
        return model;
    }

    private void Declare(ImmutableArray<ClauseSyntax> members, StateSymbol? phase, BranchSymbol? branch, CleanupSymbol? cleanup = null)
    {
        if (members.IsDefault) return;
        foreach (var member in members)
        {
            switch (member)
            {
                case InputSyntax input: Inputs.Add(input); break;
                case SecretSyntax secret: Secrets.Add(secret); break;
                case LetSyntax let: Lets.Add(let); break;
                case StateSyntax state and not BranchSyntax:
                {
                    var symbol = new StateSymbol(state, KindOf(state), phase, branch, States.Count) { Cleanup = cleanup };
                    States.Add(symbol);
                    if (_byName.TryGetValue(symbol.Name, out var first)) DuplicateStates.Add((symbol, first));
                    else _byName[symbol.Name] = symbol;
                    phase?.Members.Add(symbol);
                    branch?.States.Add(symbol);
                    cleanup?.States.Add(symbol);
                    if (state is PhaseSyntax p) Declare(p.Body, symbol, branch);
                    if (state is ForeachSyntax loop)
                    {
                        // The body is the foreach's one branch: kept out of Branches (it has no name of its own to
                        // clash with) but its states belong to it, so leaving the body is leaving a branch.
                        var body = new BranchSymbol(loop.AsBody(), symbol);
                        symbol.Branches.Add(body);
                        Declare(loop.Body, phase: null, body);
                    }
                    if (state is ParallelSyntax parallel)
                    {
                        foreach (var b in parallel.Branches)
                        {
                            var branchSymbol = new BranchSymbol(b, symbol);
                            symbol.Branches.Add(branchSymbol);
                            Branches.Add(branchSymbol);
                            Declare(b.Body, phase: null, branchSymbol);
                        }
                    }
                    break;
                }
            }
        }
    }

    private static StateKind KindOf(StateSyntax state) => state switch
    {
        StepSyntax => StateKind.Step,
        DecideSyntax => StateKind.Decide,
        WaitSyntax => StateKind.Wait,
        ManualSyntax => StateKind.Manual,
        ParallelSyntax => StateKind.Parallel,
        PhaseSyntax => StateKind.Phase,
        ForeachSyntax => StateKind.Foreach,
        _ => StateKind.End,
    };

    private void ResolveTransitions()
    {
        foreach (var state in States)
        {
            foreach (var clause in state.Syntax.Body.IsDefault ? ImmutableArray<ClauseSyntax>.Empty : state.Syntax.Body)
            {
                switch (clause)
                {
                    case TransitionSyntax t:
                        state.Transitions.Add(new TransitionSymbol(state, t.OutcomeNames.ToList(), t.When, t.Target, Lookup(t.Target.Text), t));
                        break;
                    case WhenSyntax w:
                        state.Transitions.Add(new TransitionSymbol(state, Array.Empty<string>(), w.Condition, w.Target, Lookup(w.Target.Text), w));
                        break;
                    case ElseSyntax e:
                        state.Transitions.Add(new TransitionSymbol(state, Array.Empty<string>(), null, e.Target, Lookup(e.Target.Text), e));
                        break;
                }
            }
        }
    }

    private void ResolveStart()
    {
        var start = Syntax.Members.OfType<StartSyntax>().FirstOrDefault();
        var named = start is null ? null : Lookup(start.Target.Text);
        Start = start is null
            ? States.FirstOrDefault(s => !s.InChildFlow && s.Phase is null)?.Entry
            : named?.Entry;
    }

    public StartSyntax? StartSyntax => Syntax.Members.OfType<StartSyntax>().FirstOrDefault();

    /// <summary>The outcomes a state can end with, in a fixed order.</summary>
    private static readonly string[] OkFail = { "ok", "fail" };
    private static readonly string[] OkOnly = { "ok" };
    private static readonly string[] OkTimeout = { "ok", "timeout" };
    private static readonly string[] OkFailTimeout = { "ok", "fail", "timeout" };
    private static readonly string[] Answers = { "approve", "reject" };
    private static readonly string[] AnswersOrTimeout = { "approve", "reject", "timeout" };
    private static readonly string[] TimeoutOnly = { "timeout" };

    public static IReadOnlyList<string> OutcomesOf(StateSymbol state) => state.Kind switch
    {
        StateKind.Step => state.Syntax.Find<TimeoutSyntax>() is null ? OkFail : StepOutcomes,
        StateKind.Wait => state.Syntax.Find<UntilSyntax>() is null
            ? OkOnly
            : state.Syntax.Find<TimeoutSyntax>() is null ? OkOnly : OkTimeout,
        StateKind.Manual => state.Syntax.Find<TimeoutSyntax>() is null ? Answers : AnswersOrTimeout,
        StateKind.Parallel => state.Syntax.Find<TimeoutSyntax>() is null ? OkFail : StepOutcomes,
        StateKind.Foreach => OkFail,
        StateKind.Phase => ((PhaseSyntax)state.Syntax).Within is null ? Array.Empty<string>() : TimeoutOnly,
        _ => Array.Empty<string>(),
    };

    /// <summary>The outcomes a state may name in 'on' lines: what it can produce, plus 'timeout' and
    /// 'fail' wherever a phase deadline or a probe makes them meaningful.</summary>
    public static IReadOnlyList<string> AcceptedOutcomes(StateSymbol state) => state.Kind switch
    {
        StateKind.Wait => state.Syntax.Find<UntilSyntax>() is null ? OkOnly : OkFailTimeout,
        _ => OutcomesOf(state),
    };

    /// <summary>Where an outcome leads: the first unguarded transition for it, or for the outcome it
    /// falls back to ('timeout' → 'fail', or → 'reject' for a manual step). Guarded transitions are
    /// returned too, in order, so callers see every possible target.</summary>
    public static IReadOnlyList<TransitionSymbol> TransitionsFor(StateSymbol state, string outcome)
    {
        for (string? current = outcome; current is not null; current = FallbackOf(state, current))
        {
            List<TransitionSymbol>? direct = null;
            foreach (var t in state.Transitions)
            {
                if (t.Outcomes.Contains(current)) (direct ??= new List<TransitionSymbol>(2)).Add(t);
            }
            if (direct is not null) return direct;
        }
        return Array.Empty<TransitionSymbol>();
    }

    /// <summary>The outcome whose transition is taken when this one has none: a timeout is a kind of
    /// failure (for a manual step, of rejection), and a notify that could not be delivered carries on as
    /// if it had been (notifications are best effort).</summary>
    public static string? FallbackOf(StateSymbol state, string outcome) => (state.Kind, outcome) switch
    {
        (StateKind.Manual, "timeout") => "reject",
        (StateKind.Step or StateKind.Wait or StateKind.Parallel, "timeout") => "fail",
        (StateKind.Step, "fail") when ((StepSyntax)state.Syntax).Action is NotifyActionSyntax => "ok",
        _ => null,
    };

    /// <summary>Every state the run can move to directly from <paramref name="state"/>, including a phase's
    /// 'on timeout' target from each of its members.</summary>
    public IEnumerable<StateSymbol> Successors(StateSymbol state)
    {
        foreach (var t in state.Transitions)
        {
            if (t.Entry is { } e) yield return e;
        }
        for (var phase = state.Phase; phase is not null; phase = phase.Phase)
        {
            foreach (var t in phase.Transitions)
            {
                if (t.Entry is { } e) yield return e;
            }
        }
    }
}
