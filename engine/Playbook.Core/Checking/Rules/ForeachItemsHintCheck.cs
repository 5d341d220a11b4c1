using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2570–PB2571: a foreach's <c>simulate { items A..B }</c> is a range of whole numbers, A ≤ B, that
/// the foreach can really take (B ≤ its <c>max</c>): Monte Carlo must not draw lists a real run refuses.</summary>
public sealed class ForeachItemsHintCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2570", "PB2571" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax is not ForeachSyntax loop || loop.ItemsHint is not { } hint) continue;
            var (min, max) = (hint.Min, hint.Max);
            if (!min.IsInteger || !max.IsInteger || min.Value < 0 || max.Value > int.MaxValue)
                context.Report(DiagnosticCatalog.InvalidItemsHint, hint, min.Text, max.Text, "both must be whole numbers of at least 0");
            else if (min.Value > max.Value)
                context.Report(DiagnosticCatalog.InvalidItemsHint, hint, min.Text, max.Text, "the first must not exceed the second");
            else if (loop.Max is { Value: { IsInteger: true } m } && max.Value > m.Value)
                context.Report(DiagnosticCatalog.ItemsHintAboveMax, hint, max.Text, state.Name, m.Text);
        }
    }
}
