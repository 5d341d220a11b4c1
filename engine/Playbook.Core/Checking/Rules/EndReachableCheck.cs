using Playbook.Diagnostics;

namespace Playbook.Checking.Rules;

/// <summary>PB2003, PB2004: an end can be reached from the start, and from every reachable state.</summary>
public sealed class EndReachableCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2003", "PB2004", "PB2018" };

    public void Check(CheckContext context)
    {
        var model = context.Model;
        if (model.Start is not { } start) 
        {
            if (!model.RunnableStates.Any())
                context.Report(DiagnosticCatalog.NoStates, model.Syntax.Name, model.Name);
            return;
        }
        if (!context.Flow.CanReachEnd.Contains(start))
        {
            context.Report(DiagnosticCatalog.NoReachableEnd, model.Syntax.Name, start.Name);
            return;
        }
        foreach (var state in model.RunnableStates.OrderBy(s => s.Order))
        {
            if (state.InChildFlow || state.IsEnd) continue;
            if (context.Flow.Reachable.Contains(state) && !context.Flow.CanReachEnd.Contains(state))
                context.Report(DiagnosticCatalog.DeadEndState, state.Syntax.Name, state.KindName, state.Name);
        }
    }
}
