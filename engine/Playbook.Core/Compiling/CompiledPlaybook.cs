using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Timing;

namespace Playbook.Compiling;

/// <summary>A checked playbook in the form the engine runs: states with their settings resolved
/// (retry policies, time limits, transitions per outcome with fallbacks applied) and expressions
/// numbered for the expression runtime. Built once per playbook; shared by every run.</summary>
public sealed class CompiledPlaybook
{
    internal CompiledPlaybook(PlaybookModel model, IReadOnlyList<CompiledState> states, CompiledState start, IReadOnlyList<ExpressionSyntax> expressions)
    {
        Model = model;
        States = states;
        Start = start;
        Expressions = expressions;
        ByName = states.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    public PlaybookModel Model { get; }

    public string Name => Model.Name;

    public string Path => Model.Source.Path;

    public TimeSpan? Rto => Model.Rto;

    public ExpressionLanguage DefaultLanguage => Model.DefaultLanguage;

    /// <summary>Every state, phases included, in file order; <see cref="CompiledState.Index"/> is the position here.</summary>
    public IReadOnlyList<CompiledState> States { get; }

    public IReadOnlyDictionary<string, CompiledState> ByName { get; }

    /// <summary>Every name some state captures.</summary>
    public IReadOnlyList<string> CaptureNames => _captureNames ??= States.SelectMany(s => s.Captures).Select(c => c.Name).Distinct().ToList();

    private IReadOnlyList<string>? _captureNames;

    public CompiledState Start { get; }

    /// <summary>The cleanup's states as a child machine named <see cref="CleanupSymbol.FlowName"/>, or null.</summary>
    public CompiledBranch? Cleanup { get; internal set; }

    /// <summary>The lets in order: a literal value, a <see cref="CompiledTemplate"/> or a <see cref="CompiledExpression"/>.</summary>
    public IReadOnlyList<(string Name, object? Value)> Lets { get; internal set; } = Array.Empty<(string, object?)>();

    /// <summary>The playbook's <c>lock "…"</c>, rendered from the inputs before the run's first record; null without one.</summary>
    public CompiledTemplate? Lock { get; internal set; }

    /// <summary>Every expression of the playbook, indexed by <see cref="CompiledExpression.Id"/>.</summary>
    public IReadOnlyList<ExpressionSyntax> Expressions { get; }

    /// <summary>Filled by the compiler: the C# delegates, when the playbook has C# expressions.</summary>
    internal object? CSharpProgram { get; set; }
}

/// <summary>An expression to evaluate, by id into <see cref="CompiledPlaybook.Expressions"/>.</summary>
public sealed record CompiledExpression(int Id, string Code, ExpressionLanguage Language, ExpressionSyntax Syntax);

/// <summary>A <c>"…${x}…"</c> template: literal text and expressions, in order.</summary>
public sealed record CompiledTemplate(IReadOnlyList<object> Parts)
{
    public static CompiledTemplate Empty { get; } = new(Array.Empty<object>());
}

/// <summary>A capture; <see cref="Type"/> (string, int, number, bool, duration or list) is null when untyped.</summary>
public sealed record CompiledCapture(string Name, CompiledExpression Value, string? Type = null);

/// <summary>A transition: its guard (null = always) and target. <see cref="Target"/> is the state the run
/// enters (a phase's first state), or null for "end of branch" inside a parallel branch.</summary>
public sealed record CompiledTransition(int Index, string Trigger, CompiledExpression? Guard, CompiledState? Target, string? TargetName)
{
    public string Description => Guard?.Code ?? "";
}

public sealed record SimulateHint(TimeSpan? Min, TimeSpan? Max, double? FailPercent, IReadOnlyDictionary<string, object?>? Outputs);

public sealed record ActionSpec(ActionSyntax Syntax, CompiledTemplate? Command, CompiledTemplate? Url, CompiledTemplate? Body,
    IReadOnlyList<CompiledTemplate> Headers, CompiledExpression? Script, string? CallTarget,
    IReadOnlyList<(string Name, object Value)> CallArguments, CompiledTemplate? Message)
{
    public string Kind => Syntax.Keyword.Text;

    /// <summary>For <c>exec</c>: the program and its arguments, one template each.</summary>
    public IReadOnlyList<CompiledTemplate> Arguments { get; init; } = Array.Empty<CompiledTemplate>();

    /// <summary>For <c>shell</c>/<c>exec</c>: the step's <c>env { }</c>, in the order written.</summary>
    public IReadOnlyList<(string Name, CompiledTemplate Value)> Environment { get; init; } = Array.Empty<(string, CompiledTemplate)>();

    /// <summary>For <c>shell</c>/<c>exec</c>: the step's <c>workdir</c>, or null for the run's folder.</summary>
    public CompiledTemplate? WorkingDirectory { get; init; }
}

public enum JoinMode
{
    All,
    Any,
    AtLeast,
}

public sealed record CompiledBranch(string Name, CompiledState Entry, IReadOnlyList<CompiledState> States);

/// <summary>What a foreach walks: the item's name, the list expression, how many items at once, and the
/// longest list accepted (null: no bound written).</summary>
public sealed record ForeachSpec(string Item, CompiledExpression List, int Parallel, int? Max, string ResultsName)
{
    /// <summary><c>simulate { items A..B }</c>: the item counts Monte Carlo draws from (null: it walks the list it sees).</summary>
    public (int Min, int Max)? ItemsHint { get; init; }
}

/// <summary>One state of the compiled machine.</summary>
public sealed class CompiledState
{
    internal CompiledState(StateSymbol symbol, int index)
    {
        Symbol = symbol;
        Index = index;
    }

    public StateSymbol Symbol { get; }

    public int Index { get; }

    public string Name => Symbol.Name;

    public StateKind Kind => Symbol.Kind;

    public string? Title { get; internal set; }

    public CompiledState? Phase { get; internal set; }

    /// <summary>In a child flow (a parallel's branch or the cleanup): not a state of the main machine.</summary>
    public bool InBranch => Symbol.InChildFlow;

    // step
    public ActionSpec? Action { get; internal set; }
    public TimeSpan? Timeout { get; internal set; }
    public RetryPolicy Retry { get; internal set; } = RetryPolicy.None;
    public IReadOnlyList<CompiledCapture> Captures { get; internal set; } = Array.Empty<CompiledCapture>();
    public CompiledExpression? Expect { get; internal set; }
    /// <summary><c>retry … when `expr`</c>: a failed attempt is retried only while this holds on its result.</summary>
    public CompiledExpression? RetryWhen { get; internal set; }
    public bool Idempotent { get; internal set; }
    /// <summary><c>readonly</c>: the step only reads; a rehearsal runs it for real and simulates every other step.</summary>
    public bool ReadOnly { get; internal set; }
    public SimulateHint? Simulate { get; internal set; }

    // decide: transitions in order, guard null for else
    // wait
    public TimeSpan? WaitFor { get; internal set; }
    public CompiledExpression? Until { get; internal set; }
    public TimeSpan? Every { get; internal set; }

    // manual
    public CompiledTemplate? Prompt { get; internal set; }

    /// <summary>The answers the step offers (<c>choices approve "…", reject "…"</c>); both when it does not say.</summary>
    public IReadOnlyList<string> Choices { get; internal set; } = ["approve", "reject"];

    /// <summary>Who may answer (<c>approvers "db-lead", "sre"</c>: names or roles); empty: anyone who can reach the run.</summary>
    public IReadOnlyList<string> Approvers { get; internal set; } = Array.Empty<string>();

    /// <summary>How many different people must approve (<c>quorum N</c>); 0 when the step does not say (one answer decides).</summary>
    public int Quorum { get; internal set; }

    // parallel
    public IReadOnlyList<CompiledBranch> Branches { get; internal set; } = Array.Empty<CompiledBranch>();
    public JoinMode Join { get; internal set; } = JoinMode.All;

    /// <summary>Set on a foreach; its body is <see cref="Branches"/>[0].</summary>
    public ForeachSpec? Foreach { get; internal set; }
    public int JoinCount { get; internal set; }

    // phase
    public TimeSpan? Budget { get; internal set; }
    public IReadOnlyList<CompiledState> Members { get; internal set; } = Array.Empty<CompiledState>();

    // end
    public bool Success { get; internal set; }
    public CompiledTemplate? Message { get; internal set; }

    /// <summary>Transitions by outcome (fallbacks applied: a timeout with no 'on timeout' lists the
    /// 'on fail' transitions…). For a decide, under the trigger "decide".</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CompiledTransition>> Transitions { get; internal set; } =
        new Dictionary<string, IReadOnlyList<CompiledTransition>>();

    public IReadOnlyList<CompiledTransition> TransitionsFor(string outcome) =>
        Transitions.TryGetValue(outcome, out var list) ? list : Array.Empty<CompiledTransition>();

    public override string ToString() => $"{Symbol.KindName} {Name}";
}
