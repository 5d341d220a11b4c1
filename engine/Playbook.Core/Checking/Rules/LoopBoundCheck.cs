using Playbook.Diagnostics;
using Playbook.Semantics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2005: a loop must contain something that bounds how fast (or how long) it spins: a wait,
/// a manual step, a timeout or retry on a step, or a phase budget around the whole loop.</summary>
public sealed class LoopBoundCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2005" };

    public void Check(CheckContext context)
    {
        foreach (var loop in context.Flow.Loops())
        {
            if (loop.Any(IsBound)) continue;
            var phase = loop[0].Phase;
            if (phase is not null && loop.All(s => s.Phase == phase) && ((PhaseSyntax)phase.Syntax).Within is not null) continue;
            var cycle = context.Flow.CycleThrough(loop);
            context.Report(DiagnosticCatalog.UnboundedLoop, loop[0].Syntax.Name, string.Join(" → ", cycle.Select(s => s.Name)));
        }
    }

    private static bool IsBound(StateSymbol s) => s.Kind switch
    {
        StateKind.Wait or StateKind.Manual => true,
        StateKind.Step or StateKind.Parallel => s.Syntax.Find<TimeoutSyntax>() is not null || s.Syntax.Find<RetrySyntax>() is not null,
        _ => false,
    };
}
