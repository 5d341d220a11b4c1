using Playbook.Syntax;

namespace Playbook.Semantics;

public enum StateKind
{
    Step,
    Decide,
    Wait,
    Manual,
    Parallel,
    Phase,
    End,
    Foreach,
}

/// <summary>A named state of the playbook (or a phase, which groups states), with where it sits
/// and its transitions resolved to their targets.</summary>
public sealed class StateSymbol
{
    internal StateSymbol(StateSyntax syntax, StateKind kind, StateSymbol? phase, BranchSymbol? branch, int order)
    {
        Syntax = syntax;
        Kind = kind;
        Phase = phase;
        Branch = branch;
        Order = order;
    }

    public string Name => Syntax.Name.Text;

    public StateSyntax Syntax { get; }

    public StateKind Kind { get; }

    /// <summary>The phase this state belongs to, if any.</summary>
    public StateSymbol? Phase { get; }

    /// <summary>The parallel branch this state belongs to, if any.</summary>
    public BranchSymbol? Branch { get; }

    /// <summary>The cleanup this state belongs to, if any.</summary>
    public CleanupSymbol? Cleanup { get; internal init; }

    /// <summary>A state of a child flow (a branch or the cleanup): its transitions stay inside it, and an
    /// outcome with no transition ends that flow, not the run.</summary>
    public bool InChildFlow => Branch is not null || Cleanup is not null;

    /// <summary>Position in the file, for stable output order.</summary>
    public int Order { get; }

    public List<TransitionSymbol> Transitions { get; } = new();

    /// <summary>For a phase: its states in file order. Empty otherwise.</summary>
    public List<StateSymbol> Members { get; } = new();

    /// <summary>For a parallel: its branches. Empty otherwise.</summary>
    public List<BranchSymbol> Branches { get; } = new();

    /// <summary>The state a transition to this symbol enters: a phase enters its first state.</summary>
    public StateSymbol? Entry => Kind == StateKind.Phase ? Members.FirstOrDefault()?.Entry : this;

    public string KindName => Kind switch
    {
        StateKind.Step => "step",
        StateKind.Decide => "decide",
        StateKind.Wait => "wait",
        StateKind.Manual => "manual",
        StateKind.Parallel => "parallel",
        StateKind.Phase => "phase",
        StateKind.Foreach => "foreach",
        _ => "end",
    };

    public bool IsEnd => Kind == StateKind.End;

    public override string ToString() => $"{KindName} {Name}";
}

/// <summary>A branch of a parallel: a child machine whose states stay inside it.</summary>
public sealed class BranchSymbol
{
    internal BranchSymbol(BranchSyntax syntax, StateSymbol parallel)
    {
        Syntax = syntax;
        Parallel = parallel;
    }

    public string Name => Syntax.Name.Text;

    public BranchSyntax Syntax { get; }

    public StateSymbol Parallel { get; }

    public List<StateSymbol> States { get; } = new();

    public StateSymbol? Entry => States.FirstOrDefault();
}

/// <summary>The playbook's <c>cleanup</c>: a child machine that runs once after the run reaches any end.</summary>
public sealed class CleanupSymbol
{
    internal CleanupSymbol(CleanupSyntax syntax) => Syntax = syntax;

    /// <summary>What journal records, timelines and scenarios call the cleanup's flow. It cannot be a state,
    /// branch or call name ('@' is not a name character), so it never clashes with one.</summary>
    public const string FlowName = "@cleanup";

    public CleanupSyntax Syntax { get; }

    public List<StateSymbol> States { get; } = new();

    public StateSymbol? Entry => States.FirstOrDefault();
}

/// <summary>A transition as written, with the outcomes it handles and its resolved target.
/// For a decide, <see cref="Outcomes"/> is empty and <see cref="Guard"/> holds the when-expression
/// (null for else).</summary>
public sealed record TransitionSymbol(
    StateSymbol Source,
    IReadOnlyList<string> Outcomes,
    ExpressionSyntax? Guard,
    NameSyntax TargetName,
    StateSymbol? Target,
    SyntaxNode Syntax)
{
    /// <summary>The state the run moves to (a phase's first state when the target is a phase).</summary>
    public StateSymbol? Entry => Target?.Entry;
}
