using Playbook.Diagnostics;

namespace Playbook.Checking.Rules;

/// <summary>PB1601, PB1602, PB2601: at most one cleanup, with states, and a wall between it and the main
/// flow — no transition enters it (the run reaches it only by ending) and none leaves it.</summary>
public sealed class CleanupCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1601", "PB1602", "PB2601" };

    public void Check(CheckContext context)
    {
        var model = context.Model;
        if (model.Cleanup is not { } cleanup) return;
        foreach (var extra in model.ExtraCleanups)
            context.Report(DiagnosticCatalog.SecondCleanup, extra.Keyword, context.LineOf(cleanup.Syntax));
        if (cleanup.States.Count == 0) context.Report(DiagnosticCatalog.EmptyCleanup, cleanup.Syntax.Keyword);
        foreach (var state in model.States)
        {
            foreach (var t in state.Transitions)
            {
                if (t.Target is not { } target || target.Cleanup == state.Cleanup) continue;
                context.Report(DiagnosticCatalog.TransitionCrossesCleanup, t.TargetName, t.TargetName.Text,
                    state.Cleanup is null ? "in the cleanup" : "outside the cleanup");
            }
        }
    }
}
