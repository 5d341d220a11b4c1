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
                context.Report(DiagnosticCatalog.RtoExceeded, rtoSyntax, worst.End.Name, DurationText.Format(worst.Total.Value), DurationText.Format(rto), worst.PathText);
        }
    }
}
