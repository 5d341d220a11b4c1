using Playbook.Diagnostics;
using Playbook.Semantics;

namespace Playbook.Checking.Rules;

/// <summary>PB1001, PB1009, PB2015, PB2016, PB2017: every transition and the start name a state or
/// phase that exists, and branches stay self-contained.</summary>
public sealed class TransitionTargetCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB1001", "PB1009", "PB2015", "PB2016", "PB2017" };

    public void Check(CheckContext context)
    {
        var model = context.Model;
        foreach (var state in model.States)
        {
            foreach (var t in state.Transitions)
            {
                if (t.Target is null)
                {
                    var candidates = state.Branch is { } b ? b.States.Select(s => s.Name)
                        : state.Cleanup is { } c ? c.States.Select(s => s.Name)
                        : model.States.Where(s => !s.InChildFlow).Select(s => s.Name);
                    context.ReportDidYouMean(DiagnosticCatalog.UnknownTarget, t.TargetName, t.TargetName.Text, candidates, t.TargetName.Text);
                    continue;
                }
                // Into or out of the cleanup: PB1602, reported by CleanupCheck.
                if (state.Cleanup != t.Target.Cleanup) continue;
                if (state.Branch is { } branch && t.Target.Branch != branch)
                {
                    context.Report(DiagnosticCatalog.TransitionLeavesBranch, t.TargetName, t.TargetName.Text, branch.Name);
                }
                else if (state.Branch is null && t.Target.Branch is { } inner)
                {
                    context.Report(DiagnosticCatalog.TargetInsideBranch, t.TargetName, t.TargetName.Text, inner.Name, inner.Parallel.Name);
                }
            }
        }

        if (model.StartSyntax is { } start)
        {
            var named = model.Lookup(start.Target.Text);
            if (named is null)
                context.ReportDidYouMean(DiagnosticCatalog.UnknownStart, start.Target,
                    start.Target.Text, model.States.Where(s => !s.InChildFlow).Select(s => s.Name), start.Target.Text);
            else if (named.Branch is { } branch)
                context.Report(DiagnosticCatalog.StartNotTopLevel, start.Target, start.Target.Text, branch.Name);
        }
    }
}
