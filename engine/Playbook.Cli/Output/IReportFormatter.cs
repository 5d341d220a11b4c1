namespace Playbook.Cli.Output;

/// <summary>Writes a <see cref="ValidationReport"/> in one output format.</summary>
internal interface IReportFormatter
{
    void Write(ValidationReport report, TextWriter output);
}
