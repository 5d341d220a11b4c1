using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2011: a parallel has branches, and its join asks for no more branches than it has.</summary>
public sealed class ParallelCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2011" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax is not ParallelSyntax parallel) continue;
            var count = state.Branches.Count;
            if (count == 0)
            {
                context.Report(DiagnosticCatalog.InvalidJoin, parallel.Name, $"parallel '{state.Name}' has no branches: add branch NAME {{ step … }}");
                continue;
            }
            if (parallel.Find<JoinSyntax>() is { Mode: NumberSyntax k } join)
            {
                if (!k.IsInteger || k.Value < 1 || k.Value > count)
                    context.Report(DiagnosticCatalog.InvalidJoin, join.Mode, $"join {k.Text} needs between 1 and {count} branches to succeed (this parallel has {count})");
            }
        }
    }
}
