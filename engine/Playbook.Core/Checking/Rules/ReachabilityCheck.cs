using Playbook.Diagnostics;

namespace Playbook.Checking.Rules;

/// <summary>PB2001: every state can be reached from the start.</summary>
public sealed class ReachabilityCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2001" };

    public void Check(CheckContext context)
    {
        var model = context.Model;
        if (model.Start is null) return;
        foreach (var state in model.RunnableStates)
        {
            if (context.Flow.Reachable.Contains(state)) continue;
            // Inside an unreachable parallel or phase, report only the container.
            if (state.Branch is { } b && !context.Flow.Reachable.Contains(b.Parallel)) continue;
            context.Report(DiagnosticCatalog.UnreachableState, state.Syntax.Name, state.KindName, state.Name, model.Start.Name);
        }
    }
}
