using Playbook.Diagnostics;

namespace Playbook.Cli.Output;

/// <summary>A format that prints each diagnostic on its own, then the summary line (text and GitHub).
/// Like a compiler's -fmax-errors, it prints at most <c>maxPerFile</c> errors and at most as many
/// warnings and notes per file (counted apart, so warnings never hide an error), then one line saying
/// how many more there were; the summary still counts them all. A mutated file with 100 000 errors
/// once printed all of them.</summary>
internal abstract class LineReportFormatter(int maxPerFile = LineReportFormatter.DefaultMaxPerFile) : IReportFormatter
{
    /// <summary>Errors (and, apart, warnings and notes) printed per file unless --max-diagnostics says otherwise.</summary>
    public const int DefaultMaxPerFile = 100;

    public void Write(ValidationReport report, TextWriter output)
    {
        var diagnostics = report.Diagnostics;
        for (var first = 0; first < diagnostics.Count;)
        {
            // The diagnostics of one file are contiguous (the report orders them file by file).
            var path = diagnostics[first].Source.Path;
            var shownErrors = 0;
            var shownOthers = 0;
            var hiddenErrors = 0;
            var hiddenOthers = 0;
            var next = first;
            for (; next < diagnostics.Count && diagnostics[next].Source.Path == path; next++)
            {
                var diagnostic = diagnostics[next];
                var isError = diagnostic.Severity == Severity.Error;
                if (maxPerFile > 0 && (isError ? shownErrors : shownOthers) >= maxPerFile)
                {
                    if (isError) hiddenErrors++;
                    else hiddenOthers++;
                    continue;
                }
                if (isError) shownErrors++;
                else shownOthers++;
                output.Write(Format(diagnostic));
                output.Write('\n');
            }
            if (hiddenErrors + hiddenOthers > 0)
            {
                output.Write(FormatHidden(path, HiddenText(path, hiddenErrors, hiddenOthers)));
                output.Write('\n');
            }
            first = next;
        }
        output.Write(report.Summary);
        output.Write('\n');
    }

    public abstract string Format(Diagnostic diagnostic);

    /// <summary>The line that stands for the diagnostics of <paramref name="path"/> left out, laid out
    /// like one diagnostic of the format.</summary>
    protected abstract string FormatHidden(string path, string text);

    /// <summary>e.g. <c>… and 101791 more errors in x.playbook (--max-diagnostics 0 shows them all)</c>.</summary>
    internal static string HiddenText(string path, int errors, int others)
    {
        var parts = new List<string>();
        if (errors > 0) parts.Add($"{errors} more {(errors == 1 ? "error" : "errors")}");
        if (others > 0) parts.Add($"{others} more {(others == 1 ? "warning or note" : "warnings and notes")}");
        return $"… and {string.Join(" and ", parts)} in {TextFormatter.Sanitize(path)} (--max-diagnostics 0 shows them all)";
    }
}
