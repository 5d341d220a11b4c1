using Playbook.Diagnostics;

namespace Playbook.Cli.Output;

/// <summary>The part of a source line shown under a diagnostic, and where its carets go in it.
/// A line up to <see cref="MaxColumns"/> characters is shown whole. A longer one is cut to a window of
/// that many characters around the start of the span, marked with '…' at each cut end: a file with
/// one 800 KB line and a thousand diagnostics on it once printed the whole line under each of them
/// (a gigabyte of output). The window is taken from the file's text without copying the line.</summary>
/// <param name="Text">What to print after the gutter (not yet sanitized).</param>
/// <param name="StartIndex">Index in <paramref name="Text"/> of the first character under a caret.</param>
/// <param name="EndIndex">Index just after the last character under a caret (at least <paramref name="StartIndex"/>).</param>
internal sealed record SourceSnippet(string Text, int StartIndex, int EndIndex)
{
    /// <summary>The most characters of a line a diagnostic shows (plus the '…' marks).</summary>
    public const int MaxColumns = 120;

    /// <summary>How much of the line before the span a cut window keeps, so the reader sees what leads up to it.</summary>
    private const int LeadColumns = 40;

    private const string Ellipsis = "…";

    public static SourceSnippet For(Diagnostic diagnostic)
    {
        var source = diagnostic.Source;
        var start = diagnostic.Start;
        var end = diagnostic.End;
        var line = source.GetLineSpan(start.Line);
        var startIndex = Math.Clamp(start.Column - 1, 0, line.Length);
        // A span running past the end of its line is cut there.
        var endIndex = end.Line == start.Line ? Math.Clamp(end.Column - 1, startIndex, line.Length) : line.Length;
        if (line.Length <= MaxColumns) return new SourceSnippet(source.GetText(line), startIndex, endIndex);

        var text = source.Text;
        var from = Math.Clamp(startIndex - LeadColumns, 0, line.Length - MaxColumns);
        var to = from + MaxColumns;
        // Never split a surrogate pair: widen the window by the other half instead.
        if (from > 0 && char.IsLowSurrogate(text[line.Start + from])) from--;
        if (to < line.Length && char.IsHighSurrogate(text[line.Start + to - 1])) to++;
        var prefix = from > 0 ? Ellipsis : "";
        var suffix = to < line.Length ? Ellipsis : "";
        var shown = prefix + text.Substring(line.Start + from, to - from) + suffix;
        return new SourceSnippet(shown, startIndex - from + prefix.Length, Math.Min(endIndex, to) - from + prefix.Length);
    }
}
