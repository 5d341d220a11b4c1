namespace Playbook.Text;

/// <summary>A range of characters in a source text, as an offset and a length. Lines and
/// columns are computed only when a diagnostic is rendered (see <see cref="SourceFile"/>).</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));

    public TextSpan Cover(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));

    public bool Contains(int offset) => offset >= Start && offset < End;

    public override string ToString() => $"[{Start}..{End})";
}
