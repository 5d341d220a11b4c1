using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB2012: a wait either pauses (<c>for D</c>) or polls (<c>until `expr` every D</c>, with a probe or a capture to poll).</summary>
public sealed class WaitCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB2012" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            if (state.Syntax is not WaitSyntax wait) continue;
            var @for = wait.Find<ForSyntax>();
            var until = wait.Find<UntilSyntax>();
            if (@for is null && until is null)
                context.Report(DiagnosticCatalog.InvalidWait, wait.Name, $"wait '{state.Name}' needs 'for D' (a pause) or 'until `condition` every D' (polling)");
            else if (@for is not null && until is not null)
                context.Report(DiagnosticCatalog.InvalidWait, until, $"wait '{state.Name}' has both 'for' and 'until': use one wait for the pause and another for the polling");
            else if (until is not null && until.Every is null)
                context.Report(DiagnosticCatalog.InvalidWait, until, $"'until' needs 'every D' to say how often to check, as in until `…` every 10s");
            else if (@for is not null)
            {
                foreach (var clause in wait.Body.Where(c => c is ProbeSyntax or TimeoutSyntax or CaptureSyntax))
                    context.Report(DiagnosticCatalog.InvalidWait, clause, $"a 'for' wait only pauses: remove this, or poll with 'until `condition` every D'");
            }
        }
    }
}
