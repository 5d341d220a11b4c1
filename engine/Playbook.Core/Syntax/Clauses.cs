using System.Collections.Immutable;
using Playbook.Text;

namespace Playbook.Syntax;

/// <summary><c>on OUTCOME[, OUTCOME] [when `expr`] -> TARGET</c>, or the shorthand <c>-> TARGET</c> (= on ok).</summary>
public sealed record TransitionSyntax(ImmutableArray<NameSyntax> Outcomes, ExpressionSyntax? When, NameSyntax Target, TextSpan Span) : ClauseSyntax(Span)
{
    public bool IsShorthand => Outcomes.IsEmpty;

    /// <summary>The outcomes this transition handles; the shorthand handles <c>ok</c>.</summary>
    public IEnumerable<string> OutcomeNames => IsShorthand ? new[] { "ok" } : Outcomes.Select(o => o.Text);
}

public sealed record TimeoutSyntax(DurationSyntax Duration, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>retry K [backoff D [xF] [max D] [jitter]] [when `expr`]</c>; with <see cref="When"/>, a failed
/// attempt is retried only while the condition, read on that attempt's result, holds.</summary>
public sealed record RetrySyntax(NumberSyntax Count, DurationSyntax? Backoff, NumberSyntax? Factor, DurationSyntax? Max, bool Jitter, TextSpan Span, ExpressionSyntax? When = null) : ClauseSyntax(Span);

public sealed record ExpectSyntax(ExpressionSyntax Condition, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>capture NAME [: TYPE] = `expr`</c>; a typed capture's value must be of its type, or the step fails.</summary>
public sealed record CaptureSyntax(NameSyntax Name, ExpressionSyntax Value, TextSpan Span, NameSyntax? Type = null) : ClauseSyntax(Span);

public sealed record IdempotentSyntax(TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>readonly</c>: the step only reads (implies <c>idempotent</c>); <c>playbook run --rehearse</c> runs it for real.</summary>
public sealed record ReadonlySyntax(TextSpan Span) : ClauseSyntax(Span);

public sealed record DescriptionSyntax(StringSyntax Text, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>simulate { duration A..B  fail P%  outputs { k = v } }</c>.</summary>
public sealed record SimulateSyntax(DurationSyntax? MinDuration, DurationSyntax? MaxDuration, PercentSyntax? Fail, MapSyntax? Outputs, ImmutableArray<ClauseSyntax> Items, TextSpan Span) : ClauseSyntax(Span);

/// <summary>One setting inside <c>simulate { }</c>, kept so duplicates can be reported.</summary>
public sealed record SimulateItemSyntax(NameSyntax Keyword, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>when `expr` -> T</c> inside a decide.</summary>
public sealed record WhenSyntax(ExpressionSyntax Condition, NameSyntax Target, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>else -> T</c> inside a decide.</summary>
public sealed record ElseSyntax(NameSyntax Target, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>for D</c> inside a wait.</summary>
public sealed record ForSyntax(DurationSyntax Duration, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>until `expr` every D</c> inside a wait.</summary>
public sealed record UntilSyntax(ExpressionSyntax Condition, DurationSyntax? Every, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>probe ACTION</c> inside a wait.</summary>
public sealed record ProbeSyntax(ActionSyntax Action, TextSpan Span) : ClauseSyntax(Span);

public sealed record PromptSyntax(StringSyntax Text, TextSpan Span) : ClauseSyntax(Span);

public sealed record ChoiceSyntax(NameSyntax Outcome, StringSyntax? Label, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>choices approve "label", reject "label"</c> inside a manual.</summary>
public sealed record ChoicesSyntax(ImmutableArray<ChoiceSyntax> Choices, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>approvers "db-lead", "sre"</c> inside a manual: who may answer it (names or roles).</summary>
public sealed record ApproversSyntax(ImmutableArray<StringSyntax> Approvers, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>quorum N</c> inside a manual: how many different people must approve.</summary>
public sealed record QuorumSyntax(NumberSyntax Count, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>join all|any|K</c> inside a parallel.</summary>
public sealed record JoinSyntax(ValueSyntax Mode, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>env { NAME = "value", … }</c> on a shell or exec step: each value, an interpolated string, becomes
/// an environment variable of the step's process (data, never shell text).</summary>
public sealed record EnvSyntax(NameSyntax Keyword, MapSyntax Variables, TextSpan Span) : ClauseSyntax(Span);

/// <summary><c>workdir "path"</c> on a shell or exec step: the directory its process starts in.</summary>
public sealed record WorkdirSyntax(NameSyntax Keyword, StringSyntax Path, TextSpan Span) : ClauseSyntax(Span);
