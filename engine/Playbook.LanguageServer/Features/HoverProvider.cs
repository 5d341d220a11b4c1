using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Playbook.Diagnostics;
using Playbook.LanguageServer.Protocol;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;
using Playbook.Timing;

namespace Playbook.LanguageServer.Features;

/// <summary>What hovering shows: for a state (its name or a transition to it) its title and worst case,
/// with retries spelled out as the waits they make; for a duration its value in milliseconds; for an input
/// its type and default; for a PB ID written in a comment, what that diagnostic means.</summary>
public static partial class HoverProvider
{
    /// <summary>More waits than this are summarized: a hover is read at a glance.</summary>
    public const int MaxWaitsShown = 8;

    public static Hover? Hover(PlaybookDocument document, int offset)
    {
        var source = document.Source;
        if (IdInComment(source, offset) is { } id) return id;
        if (document.Model is not { } model) return null;

        var node = SyntaxWalk.Innermost<SyntaxNode>(model.Syntax, offset);
        return node switch
        {
            DurationSyntax d => Make(source, d.Span, $"**{d.Text}** = {d.Value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms"),
            NameSyntax name when IsStateName(model, name) && model.Lookup(name.Text) is { } state =>
                Make(source, name.Span, DescribeState(document, model, state)),
            NameSyntax name when model.Inputs.FirstOrDefault(i => i.Name == name) is { } input =>
                Make(source, name.Span, DescribeInput(source, input)),
            _ => null,
        };
    }

    private static bool IsStateName(PlaybookModel model, NameSyntax name) =>
        model.States.Any(s => s.Syntax.Name == name)
        || model.States.Any(s => s.Transitions.Any(t => t.TargetName == name))
        || model.StartSyntax?.Target == name;

    private static string DescribeInput(SourceFile source, InputSyntax input)
    {
        var text = $"input **{input.Name.Text}** : `{input.Type.Text}`";
        return input.Default is { } value ? text + $"\n\ndefault: `{source.GetText(value.Span)}`" : text + "\n\nrequired (no default)";
    }

    internal static string DescribeState(PlaybookDocument document, PlaybookModel model, StateSymbol state)
    {
        var sb = new StringBuilder();
        sb.Append(state.KindName).Append(" **").Append(state.Name).Append("**");
        if (state.Syntax.Title is { } title) sb.Append(" — ").Append(title.Template);
        var retry = RetryPolicy.From(state.Syntax.Find<RetrySyntax>());
        if (retry.Retries > 0) sb.Append("\n\nretries: ").Append(SpellWaits(retry));

        var workspace = new PlaybookWorkspace();
        Func<string, TimeBound> callee = name => workspace.WorstCase(model, name);
        var cost = WorstCaseAnalysis.StateCost(state, callee);
        if (state.Kind != StateKind.Phase && !state.IsEnd) sb.Append("\n\nthis state: at most ").Append(Describe(cost));
        if (WorstCaseAnalysis.Through(model, state, callee) is { } through)
        {
            var at = through.MeasuredAt == state.Name ? "" : $" (measured at phase '{through.MeasuredAt}')";
            sb.Append("\n\nworst case").Append(at).Append(":\n- from the start: ").Append(Describe(through.FromStart));
            foreach (var (end, time) in through.ToEnds) sb.Append("\n- to end '").Append(end.Name).Append("': ").Append(Describe(time));
        }
        return sb.ToString();
    }

    /// <summary>The waits before each retry, as the runner makes them: <c>1s, 2s, 4s</c>.</summary>
    public static string SpellWaits(RetryPolicy retry)
    {
        var shown = Math.Min(retry.Retries, MaxWaitsShown);
        var waits = Enumerable.Range(1, shown).Select(n => DurationText.Format(retry.DelayBefore(n)));
        var text = string.Join(", ", waits);
        if (retry.Retries > shown) text += $", … ({retry.Retries} retries, {DurationText.Format(retry.TotalDelay())} of waits in all)";
        if (retry.Jitter) text += " (each drawn at random up to that, with jitter)";
        return text;
    }

    private static string Describe(TimeBound bound) =>
        bound.IsUnbounded ? $"unbounded ({bound.UnboundedBecause})" : DurationText.Format(bound.Value);

    private static Hover? IdInComment(SourceFile source, int offset)
    {
        var position = source.GetPosition(offset);
        var line = source.GetLineText(position.Line);
        var comment = line.IndexOf('#');
        if (comment < 0 || position.Column - 1 < comment) return null;
        foreach (Match m in DiagnosticId().Matches(line, comment))
        {
            var column = position.Column - 1;
            if (column < m.Index || column > m.Index + m.Length) continue;
            if (DiagnosticCatalog.All.FirstOrDefault(d => d.Id == m.Value) is not { } descriptor) return null;
            var start = offset - (column - m.Index);
            return Make(source, new TextSpan(start, m.Length),
                $"**{descriptor.Id}** ({descriptor.Severity.ToLowerString()}): {descriptor.Title}\n\n{Placeholders().Replace(descriptor.MessageFormat, "…").Replace("{{", "{").Replace("}}", "}")}");
        }
        return null;
    }

    private static Hover Make(SourceFile source, TextSpan span, string markdown) =>
        new(new MarkupContent("markdown", markdown), LineMap.ToRange(source, span));

    [GeneratedRegex(@"(?<!\{)\{\d+\}")]
    private static partial Regex Placeholders();

    [GeneratedRegex(@"\bPB\d{4}\b")]
    private static partial Regex DiagnosticId();
}
