using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB4004: simulate hints describe a real range and a real probability.</summary>
public sealed class SimulateHintCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB4004" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax.Find<SimulateSyntax>() is not { } sim) continue;
            if (sim.MinDuration is { } min && sim.MaxDuration is { } max && min.Value > max.Value)
                context.Report(DiagnosticCatalog.InvalidSimulate, max, $"duration {min.Text}..{max.Text} runs backwards: write the shorter time first ({max.Text}..{min.Text})");
            if (sim.Fail is { } fail && (fail.Value < 0 || fail.Value > 100))
                context.Report(DiagnosticCatalog.InvalidSimulate, fail, $"fail {fail.Text} is not a probability: use 0% to 100%");
            if (state.Syntax.Find<TimeoutSyntax>() is { } timeout && sim.MinDuration is { } lo && lo.Value > timeout.Duration.Value)
                context.Report(DiagnosticCatalog.InvalidSimulate, lo, $"every simulated attempt ({lo.Text} or more) outlasts the timeout of {timeout.Duration.Text}, so it always times out; was that meant?");
        }
    }
}
