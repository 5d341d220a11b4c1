using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2020: <c>approvers</c> and <c>quorum</c> of a manual step. Each approver is a name or a role written
/// out (no <c>${…}</c>: who may approve is decided when the playbook is written, not by the run's data), not empty,
/// not twice; <c>quorum</c> is a whole number of at least 1. A quorum may exceed the number of entries, because a
/// role stands for several people; and it needs no approvers (then any N different people who can reach the run).</summary>
public sealed class ApproversCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2020" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax is not ManualSyntax manual) continue;
            if (manual.Find<ApproversSyntax>() is { } approvers)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var approver in approvers.Approvers)
                {
                    if (approver.Parts.OfType<InterpolationSyntax>().FirstOrDefault() is { } hole)
                        context.ReportWithHint(DiagnosticCatalog.InvalidApprovals, hole, "write each approver out: \"db-lead\", \"alice\"",
                            $"an approver of '{state.Name}' cannot be computed: who may approve is fixed when the playbook is written, not by the run's data");
                    else if (approver.Template.Trim().Length == 0 || approver.Template.Any(char.IsControl))
                        context.ReportWithHint(DiagnosticCatalog.InvalidApprovals, approver, "give a user name or a role, like \"db-lead\"",
                            $"an approver of '{state.Name}' is empty");
                    else if (!seen.Add(approver.Template))
                        context.ReportWithHint(DiagnosticCatalog.InvalidApprovals, approver, "remove the second one",
                            $"'{approver.Template}' is named twice in the approvers of '{state.Name}'");
                }
            }
            if (manual.Find<QuorumSyntax>() is { } quorum && (!quorum.Count.IsInteger || quorum.Count.Value < 1 || quorum.Count.Value > 1000))
                context.ReportWithHint(DiagnosticCatalog.InvalidApprovals, quorum.Count, "quorum 2 means two different people must approve",
                    $"'quorum {quorum.Count.Text}' of '{state.Name}' must be a whole number from 1 to 1000");
        }
    }
}
