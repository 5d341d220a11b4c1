using System.Collections.Immutable;
using Playbook.Syntax;

namespace Playbook.Parsing;

/// <summary>Removes what <c>"""…"""</c> text carries only because of where it sits in the file: the line
/// break after the opening quotes, the indentation common to its lines, and the last line's indentation
/// before the closing quotes.</summary>
internal static class LongStringIndentation
{
    public static ImmutableArray<StringPartSyntax> Trim(ImmutableArray<StringPartSyntax> parts)
    {
        // Work on the text as lines, with holes kept as placeholders that cannot occur in text.
        const char Hole = '\uE000';
        var flat = string.Concat(parts.Select(p => p is TextPartSyntax t ? t.Text.Replace("\r\n", "\n", StringComparison.Ordinal) : Hole.ToString()));
        if (flat.StartsWith('\n')) flat = flat[1..];
        var lines = flat.Split('\n').ToList();
        if (lines.Count > 1 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        var indent = CommonIndent(lines);
        var result = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart(' ', '\t')));

        var holes = parts.OfType<InterpolationSyntax>().GetEnumerator();
        var textParts = parts.OfType<TextPartSyntax>().ToList();
        var span = textParts.Count > 0 ? textParts[0].Span.Cover(textParts[^1].Span) : default;
        var builder = ImmutableArray.CreateBuilder<StringPartSyntax>();
        var segment = new System.Text.StringBuilder();
        foreach (var c in result)
        {
            if (c == Hole)
            {
                if (segment.Length > 0) { builder.Add(new TextPartSyntax(segment.ToString(), span)); segment.Clear(); }
                holes.MoveNext();
                builder.Add(holes.Current);
                continue;
            }
            segment.Append(c);
        }
        if (segment.Length > 0) builder.Add(new TextPartSyntax(segment.ToString(), span));
        return builder.ToImmutable();
    }

    /// <summary>The indentation all non-blank lines share (0 when there are none). A loop, not LINQ's Min over ints: that
    /// generic code is compiled at every start of the tool.</summary>
    private static int CommonIndent(List<string> lines)
    {
        int? indent = null;
        foreach (var line in lines)
        {
            if (line.Trim().Length == 0) continue;
            var own = line.Length - line.TrimStart(' ', '\t').Length;
            if (indent is null || own < indent) indent = own;
        }
        return indent ?? 0;
    }
}
