using Playbook.LanguageServer.Protocol;
using Playbook.Text;
using Range = Playbook.LanguageServer.Protocol.Range;

namespace Playbook.LanguageServer;

/// <summary>Converts between offsets in a <see cref="SourceFile"/> and LSP positions. Both count UTF-16
/// code units, and the source's line breaks are normalized to LF, so a line number is the editor's
/// whichever line breaks the file uses.</summary>
public static class LineMap
{
    public static Position ToPosition(SourceFile source, int offset)
    {
        var p = source.GetPosition(offset);
        return new Position(p.Line - 1, p.Column - 1);
    }

    public static Range ToRange(SourceFile source, TextSpan span) =>
        new(ToPosition(source, span.Start), ToPosition(source, span.End));

    /// <summary>The offset of an LSP position, clamped to the line's end and the text's end (clients may
    /// send a position past either while typing).</summary>
    public static int ToOffset(SourceFile source, Position position)
    {
        var line = Math.Clamp(position.Line + 1, 1, source.LineCount);
        var start = LineStart(source, line);
        var length = source.GetLineText(line).Length;
        return start + Math.Clamp(position.Character, 0, length);
    }

    private static int LineStart(SourceFile source, int line)
    {
        // One pass over the text: a request needs one position, and a playbook is at most 4 MiB.
        var text = source.Text;
        var current = 1;
        var offset = 0;
        while (current < line)
        {
            var next = text.IndexOf('\n', offset);
            if (next < 0) return text.Length;
            offset = next + 1;
            current++;
        }
        return offset;
    }
}
