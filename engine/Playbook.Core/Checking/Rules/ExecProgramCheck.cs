using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB3108: <c>exec []</c> names no program to run.</summary>
public sealed class ExecProgramCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB3108" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            foreach (var clause in state.Syntax.Body)
            {
                var exec = clause as ExecActionSyntax ?? (clause as ProbeSyntax)?.Action as ExecActionSyntax;
                if (exec is { IsEmpty: true }) context.Report(DiagnosticCatalog.EmptyExec, exec);
            }
        }
    }
}
