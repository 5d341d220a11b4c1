using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB1750–PB1752: <c>readonly</c> is a promise that a rehearsal acts on — it runs the step against the real
/// system. So it goes only on a step whose action can read (shell, exec, http, script; not call, whose steps say for
/// themselves, nor notify, which tells people), an http readonly step must use a method that does not change the
/// server (GET, HEAD, OPTIONS), and <c>idempotent</c> beside it says nothing more.</summary>
public sealed class ReadonlyCheck : IPlaybookCheck
{
    private static readonly HashSet<string> ReadingMethods = new(StringComparer.OrdinalIgnoreCase) { "GET", "HEAD", "OPTIONS" };

    public IReadOnlyList<string> Reports { get; } = new[] { "PB1750", "PB1751", "PB1752" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            var mark = state.Syntax.Find<ReadonlySyntax>();
            if (mark is null) continue;
            // Only steps take readonly (the parser says so elsewhere); a step with no action at all is PB2006.
            switch (state.Syntax.Find<ActionSyntax>())
            {
                case CallActionSyntax:
                    context.Report(DiagnosticCatalog.ReadonlyWithoutReadingAction, mark.Span,
                        "a call runs another playbook, whose steps are readonly or not on their own: mark them there");
                    break;
                case NotifyActionSyntax:
                    context.Report(DiagnosticCatalog.ReadonlyWithoutReadingAction, mark.Span,
                        "notify tells people and reads nothing, so a rehearsal must not send it");
                    break;
                case HttpActionSyntax http when !ReadingMethods.Contains(http.Method.Text):
                    context.ReportWithHint(DiagnosticCatalog.ReadonlyHttpWrites, http.Method,
                        "remove 'readonly' (a rehearsal then simulates this step), or read with GET", http.Method.Text);
                    break;
            }
            if (state.Syntax.Find<IdempotentSyntax>() is { } idempotent)
                context.Report(DiagnosticCatalog.ReadonlyAndIdempotent, idempotent.Span);
        }
    }
}
