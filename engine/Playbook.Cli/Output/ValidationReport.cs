using Playbook.Diagnostics;

namespace Playbook.Cli.Output;

/// <summary>One checked file and what was found in it, as the formatters see it.</summary>
internal sealed record CheckedFile(string Path, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Everything a formatter prints: the checked files in the order they were given,
/// their diagnostics in file order then position order, and the totals.</summary>
internal sealed class ValidationReport
{
    public ValidationReport(IReadOnlyList<CheckedFile> files, bool warningsAsErrors = false)
    {
        Files = files;
        WarningsAsErrors = warningsAsErrors;
        Diagnostics = files
            // OrderBy is a stable sort: equal positions keep the order the engine reported them in.
            .SelectMany(f => f.Diagnostics.OrderBy(d => d.Span.Start).ThenBy(d => d.Span.End))
            .ToList();
        ErrorCount = Diagnostics.Count(d => d.Severity == Severity.Error);
        WarningCount = Diagnostics.Count(d => d.Severity == Severity.Warning);
        InfoCount = Diagnostics.Count(d => d.Severity == Severity.Info);
    }

    public IReadOnlyList<CheckedFile> Files { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool WarningsAsErrors { get; }

    public int ErrorCount { get; }

    public int WarningCount { get; }

    public int InfoCount { get; }

    /// <summary>True when the run fails: any error, or any warning under --warnings-as-errors.</summary>
    public bool Failed => ErrorCount > 0 || (WarningsAsErrors && WarningCount > 0);

    /// <summary>The last line of the text and github formats, e.g.
    /// <c>checked 3 files: 1 error, 2 warnings</c>.</summary>
    public string Summary
    {
        get
        {
            var summary = $"checked {Plural(Files.Count, "file")}: {Plural(ErrorCount, "error")}, {Plural(WarningCount, "warning")}";
            if (WarningsAsErrors && WarningCount > 0) summary += " (warnings are errors)";
            return summary;
        }
    }

    internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
