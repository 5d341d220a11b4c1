using Playbook.Diagnostics;
using Playbook.Semantics;

namespace Playbook.Checking.Rules;

/// <summary>PB2014: a phase or a branch holds at least one state.</summary>
public sealed class EmptyContainerCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2014" };

    public void Check(CheckContext context)
    {
        foreach (var phase in context.Model.States.Where(s => s.Kind == StateKind.Phase && s.Members.Count == 0))
            context.Report(DiagnosticCatalog.EmptyContainer, phase.Syntax.Name, "phase", phase.Name);
        foreach (var branch in context.Model.Branches.Where(b => b.States.Count == 0))
            context.Report(DiagnosticCatalog.EmptyContainer, branch.Syntax.Name, "branch", branch.Name);
    }
}
