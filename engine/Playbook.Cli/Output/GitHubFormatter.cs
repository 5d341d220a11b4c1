using System.Text;
using Playbook.Diagnostics;

namespace Playbook.Cli.Output;

/// <summary><c>--format github</c>: GitHub Actions workflow commands, one per diagnostic, which
/// GitHub shows as annotations on the pull request; then the summary line.
/// <code>::error file=playbooks/x.playbook,line=12,col=14,endLine=12,endColumn=19,title=PB1001::'verfy' is not …</code>
/// </summary>
internal sealed class GitHubFormatter(string baseDirectory, int maxPerFile = LineReportFormatter.DefaultMaxPerFile) : LineReportFormatter(maxPerFile)
{
    public override string Format(Diagnostic d)
    {
        var command = d.Severity switch
        {
            Severity.Error => "error",
            Severity.Warning => "warning",
            _ => "notice",
        };
        var start = d.Start;
        var end = d.End;
        var message = d.Hint is null ? d.Message : $"{d.Message}\nhelp: {d.Hint}";
        var file = ReportPaths.RelativeForwardSlashes(d.Source.Path, baseDirectory);
        return $"::{command} file={EscapeProperty(file)},line={start.Line},col={start.Column},"
            + $"endLine={end.Line},endColumn={end.Column},title={EscapeProperty(d.Id)}::{EscapeData(message)}";
    }

    /// <summary>A notice on the file, so the count of what was left out shows beside the annotations.</summary>
    protected override string FormatHidden(string path, string text) =>
        $"::notice file={EscapeProperty(ReportPaths.RelativeForwardSlashes(path, baseDirectory))}::{EscapeData(text)}";

    /// <summary>The message part: '%', CR and LF are percent-encoded (as in @actions/core).</summary>
    internal static string EscapeData(string text) => new StringBuilder(text)
        .Replace("%", "%25")
        .Replace("\r", "%0D")
        .Replace("\n", "%0A")
        .ToString();

    /// <summary>A property value: as data, plus ':' and ',' which separate properties.</summary>
    internal static string EscapeProperty(string text) => new StringBuilder(EscapeData(text))
        .Replace(":", "%3A")
        .Replace(",", "%2C")
        .ToString();
}
