using Playbook.Diagnostics;
using Playbook.Syntax;

namespace Playbook.Checking.Rules;

/// <summary>PB4006: time limits are positive (a zero timeout would fail every attempt at once).</summary>
public sealed class TimeoutCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB4006" };

    public void Check(CheckContext context)
    {
        foreach (var state in context.Model.States)
        {
            foreach (var clause in state.Syntax.Body)
            {
                var (duration, what) = clause switch
                {
                    TimeoutSyntax t => (t.Duration, "timeout"),
                    UntilSyntax { Every: { } every } => (every, "every"),
                    _ => ((DurationSyntax?)null, ""),
                };
                if (duration is not null && duration.Value <= TimeSpan.Zero)
                    context.Report(DiagnosticCatalog.InvalidTimeout, duration, $"{what} {duration.Text} must be longer than zero");
            }
            if (state.Syntax is PhaseSyntax { Within: { } within } && within.Value <= TimeSpan.Zero)
                context.Report(DiagnosticCatalog.InvalidTimeout, within, $"within {within.Text} must be longer than zero");
        }
    }
}
