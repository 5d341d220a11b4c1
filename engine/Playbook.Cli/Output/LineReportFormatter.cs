namespace Playbook.Cli.Output;

/// <summary>A format that prints each diagnostic on its own, then the summary line (text and GitHub).</summary>
internal abstract class LineReportFormatter : IReportFormatter
{
    public void Write(ValidationReport report, TextWriter output)
    {
        foreach (var diagnostic in report.Diagnostics)
        {
            output.Write(Format(diagnostic));
            output.Write('\n');
        }
        output.Write(report.Summary);
        output.Write('\n');
    }

    public abstract string Format(Playbook.Diagnostics.Diagnostic diagnostic);
}
