namespace Playbook.Text;

/// <summary>A line and a column, both 1-based, as printed in diagnostics.</summary>
public readonly record struct LinePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>The text of one playbook (or scenario) file and the path it is shown under.
/// Line starts are computed once, on first use, so parsing never pays for them. Line breaks are
/// normalized to LF on the way in: CRLF and a lone CR (old Mac files) end a line exactly as LF does,
/// so a file gives the same tokens, lines and columns whichever of the three it uses (a CR-only file
/// once read as one line, where the first '#' comment ran to the end of the file).</summary>
public sealed class SourceFile
{
    private int[]? _lineStarts;

    public SourceFile(string path, string text)
    {
        Path = path;
        Text = NormalizeLineBreaks(text);
    }

    /// <summary>CRLF and lone CR become LF; text without a CR is returned as is.</summary>
    public static string NormalizeLineBreaks(string text)
    {
        var cr = text.IndexOf('\r');
        if (cr < 0) return text;
        var result = new System.Text.StringBuilder(text.Length);
        result.Append(text, 0, cr);
        for (var i = cr; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\r') { result.Append(c); continue; }
            result.Append('\n');
            if (i + 1 < text.Length && text[i + 1] == '\n') i++;
        }
        return result.ToString();
    }

    /// <summary>The path as the user gave it (used in diagnostics).</summary>
    public string Path { get; }

    public string Text { get; }

    public LinePosition GetPosition(int offset)
    {
        var starts = LineStarts;
        offset = Math.Clamp(offset, 0, Text.Length);
        var index = Array.BinarySearch(starts, offset);
        if (index < 0) index = ~index - 1;
        return new LinePosition(index + 1, offset - starts[index] + 1);
    }

    public int LineCount => LineStarts.Length;

    /// <summary>The text of a 1-based line, without its line break.</summary>
    public string GetLineText(int line) => GetText(GetLineSpan(line));

    /// <summary>Where a 1-based line lies in <see cref="Text"/>, without its line break (empty for a
    /// line that does not exist). Lets a caller show part of a very long line without copying it whole.</summary>
    public TextSpan GetLineSpan(int line)
    {
        var starts = LineStarts;
        if (line < 1 || line > starts.Length) return new TextSpan(Text.Length, 0);
        var start = starts[line - 1];
        var end = line < starts.Length ? starts[line] : Text.Length;
        while (end > start && (Text[end - 1] == '\n' || Text[end - 1] == '\r')) end--;
        return TextSpan.FromBounds(start, end);
    }

    public string GetText(TextSpan span) =>
        Text.Substring(Math.Clamp(span.Start, 0, Text.Length), Math.Clamp(span.Length, 0, Text.Length - Math.Clamp(span.Start, 0, Text.Length)));

    private int[] LineStarts => _lineStarts ??= ComputeLineStarts(Text);

    private static int[] ComputeLineStarts(string text)
    {
        // Counted first, then filled: an int[] needs no code compiled at start-up, a List<int> does.
        var lines = 1;
        foreach (var c in text) if (c == '\n') lines++;
        var starts = new int[lines];
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n') starts[line++] = i + 1;
        }
        return starts;
    }
}
