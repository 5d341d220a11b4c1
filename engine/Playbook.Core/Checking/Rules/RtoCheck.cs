using Playbook.Diagnostics;
using Playbook.Text;

namespace Playbook.Checking.Rules;

/// <summary>PB4001, PB4002: the worst case to every success end fits the playbook's rto.</summary>
public sealed class RtoCheck : IPlaybookCheck
{
    public IReadOnlyList<string> Reports { get; } = new[] { "PB4001", "PB4002" };

    public void Check(CheckContext context)
    {
        if (context.Model.Rto is not { } rto) return;
        var rtoSyntax = context.Model.Syntax.Members.OfType<Syntax.ObjectiveSyntax>().First(o => o.Keyword.Text == "rto");
        foreach (var worst in context.WorstCases)
        {
            if (!((Syntax.EndSyntax)worst.End.Syntax).IsSuccess) continue;
            if (worst.Total.IsUnbounded)
                context.Report(DiagnosticCatalog.UnboundedWorstCase, rtoSyntax, worst.End.Name, worst.Total.UnboundedBecause, DurationText.Format(rto));
            else if (worst.Total.Value > rto)
                context.Diagnostics.ReportWithHint(DiagnosticCatalog.RtoExceeded, rtoSyntax.Span, Breakdown(worst, System.IO.Path.GetFileName(context.Model.Source.Path)),
                    worst.End.Name, DurationText.Format(worst.Total.Value), DurationText.Format(rto), worst.PathText);
        }
    }

    /// <summary>Where the time goes: the states of the worst path that take time, longest first (the first
    /// eight), so the author sees what to shorten without running anything else.</summary>
    private static string Breakdown(Timing.WorstCasePath worst, string file)
    {
        var costly = worst.Path.Where(p => p.Time > TimeSpan.Zero).OrderByDescending(p => p.Time).ToList();
        var shown = string.Join(", ", costly.Take(8).Select(p => $"'{p.State}' {DurationText.Format(p.Time)}"));
        var more = costly.Count > 8 ? $" and {costly.Count - 8} more" : "";
        return costly.Count == 0
            ? $"'playbook simulate {file} --worst-case' shows the time of each state on this path"
            : $"time per state on this path: {shown}{more} ('playbook simulate {file} --worst-case' shows the timeline)";
    }
}
