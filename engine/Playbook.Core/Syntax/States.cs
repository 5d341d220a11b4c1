using System.Collections.Immutable;
using Playbook.Text;

namespace Playbook.Syntax;

/// <summary>A state of the machine: step, decide, wait, manual, parallel, end — or a phase, which
/// groups states. <see cref="Keyword"/> is the word that introduced it.</summary>
public abstract record StateSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span) : ClauseSyntax(Span)
{
    public string Kind => Keyword.Text;

    public IEnumerable<TransitionSyntax> Transitions => Body.OfType<TransitionSyntax>();

    /// <summary>The first clause of a kind (checks and the engine ask this often: a plain loop, no LINQ).</summary>
    public T? Find<T>() where T : ClauseSyntax
    {
        if (Body.IsDefault) return null;
        foreach (var clause in Body)
        {
            if (clause is T found) return found;
        }
        return null;
    }

    public IEnumerable<StateSyntax> NestedStates => Body.OfType<StateSyntax>();
}

public sealed record StepSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span)
{
    public ActionSyntax? Action => Find<ActionSyntax>();
}

public sealed record DecideSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span);

public sealed record WaitSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span);

public sealed record ManualSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span);

public sealed record ParallelSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span)
{
    public IEnumerable<BranchSyntax> Branches => Body.OfType<BranchSyntax>();
}

/// <summary><c>branch NAME { states }</c> inside a parallel. Not a state itself: its states run as a child machine.</summary>
public sealed record BranchSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span);

/// <summary><c>phase NAME "title" within D { states; on timeout -> T }</c>: a superstate with a time budget.</summary>
public sealed record PhaseSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, DurationSyntax? Within, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span);

/// <summary><c>end NAME success|failure "message"</c>.</summary>
public sealed record EndSyntax(NameSyntax Keyword, NameSyntax Name, NameSyntax Status, StringSyntax? Message, TextSpan Span)
    : StateSyntax(Keyword, Name, Message, ImmutableArray<ClauseSyntax>.Empty, Span)
{
    public bool IsSuccess => Status.Text == "success";
}

/// <summary><c>foreach NAME "title" { each ID in `list`; parallel K; max M; states; on ok|fail -> T }</c>:
/// its states (the body) run once per item of the list, at most K items at once.</summary>
public sealed record ForeachSyntax(NameSyntax Keyword, NameSyntax Name, StringSyntax? Title, ImmutableArray<ClauseSyntax> Body, TextSpan Span)
    : StateSyntax(Keyword, Name, Title, Body, Span)
{
    public EachSyntax? Each => Find<EachSyntax>();

    public ForeachSettingSyntax? Parallelism => Body.IsDefault ? null : Body.OfType<ForeachSettingSyntax>().FirstOrDefault(s => s.Keyword.Text == "parallel");

    public ForeachSettingSyntax? Max => Body.IsDefault ? null : Body.OfType<ForeachSettingSyntax>().FirstOrDefault(s => s.Keyword.Text == "max");

    /// <summary><c>simulate { items A..B }</c>: the item counts Monte Carlo draws from.</summary>
    public SimulateItemCountSyntax? ItemsHint => Find<ForeachSimulateSyntax>()?.Items;

    /// <summary>The body as a branch, so the rules that keep a branch's states inside it hold for the body too.</summary>
    public BranchSyntax AsBody() => new(Keyword, Name, Title, Body, Span);
}

/// <summary><c>each ID in `expr`</c> inside a foreach: the item variable and the list it walks.</summary>
public sealed record EachSyntax(NameSyntax Variable, ExpressionSyntax List, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>parallel K</c> or <c>max M</c> inside a foreach (<see cref="Keyword"/> says which).</summary>
public sealed record ForeachSettingSyntax(NameSyntax Keyword, NumberSyntax Value, TextSpan Span) : ClauseSyntax(Span);
