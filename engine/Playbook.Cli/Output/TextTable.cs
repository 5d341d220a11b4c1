using System.Text;

namespace Playbook.Cli.Output;

/// <summary>A plain-text table: a header row, a rule, rows; columns padded with spaces to their widest
/// cell (right-aligned where asked), two spaces between columns, no trailing spaces. Output is the same
/// whatever the terminal, so redirected output is stable byte for byte.</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _right;
    private readonly List<string[]> _rows = new();

    public TextTable(params string[] headers)
    {
        _headers = headers;
        _right = new bool[headers.Length];
    }

    /// <summary>Right-aligns the columns at <paramref name="columns"/> (numbers, times).</summary>
    public TextTable AlignRight(params int[] columns)
    {
        foreach (var c in columns) _right[c] = true;
        return this;
    }

    public void Add(params string?[] cells) =>
        _rows.Add(Enumerable.Range(0, _headers.Length).Select(i => i < cells.Length ? TextFormatter.Sanitize(cells[i] ?? "") : "").ToArray());

    public void Write(TextWriter output, string indent = "")
    {
        var widths = _headers.Select((h, i) => _rows.Select(r => Width(r[i])).Append(Width(h)).Max()).ToArray();
        WriteRow(output, indent, _headers, widths);
        WriteRow(output, indent, widths.Select(w => new string('─', w)).ToArray(), widths);
        foreach (var row in _rows) WriteRow(output, indent, row, widths);
    }

    private void WriteRow(TextWriter output, string indent, string[] cells, int[] widths)
    {
        var sb = new StringBuilder(indent);
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) sb.Append("  ");
            var pad = new string(' ', widths[i] - Width(cells[i]));
            sb.Append(_right[i] ? pad + cells[i] : cells[i] + pad);
        }
        output.Write(sb.ToString().TrimEnd());
        output.Write('\n');
    }

    /// <summary>Width on screen: one column per character (surrogate pairs count once).</summary>
    internal static int Width(string text) => text.Count(c => !char.IsLowSurrogate(c));
}
