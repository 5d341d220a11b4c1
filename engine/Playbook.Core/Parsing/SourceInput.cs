using Playbook.Text;
using Sprache;

namespace Playbook.Parsing;

/// <summary>A position in a playbook's text, as Sprache's <see cref="IInput"/>. Unlike Sprache's own
/// Input it allocates no memo table per character and computes line and column only when asked
/// (error messages), and it remembers where the last token ended so spans exclude trailing trivia.</summary>
internal sealed class SourceInput : IInput
{
    private readonly SourceFile _file;
    private IDictionary<object, object>? _memos;

    public SourceInput(SourceFile file, int position, int tokenEnd)
    {
        _file = file;
        Position = position;
        TokenEnd = tokenEnd;
    }

    public SourceFile File => _file;

    public string Source => _file.Text;

    public int Position { get; }

    /// <summary>The end offset of the last token consumed before this position.</summary>
    public int TokenEnd { get; }

    public char Current => _file.Text[Position];

    public bool AtEnd => Position >= _file.Text.Length;

    public int Line => _file.GetPosition(Position).Line;

    public int Column => _file.GetPosition(Position).Column;

    public IDictionary<object, object> Memos => _memos ??= new Dictionary<object, object>();

    public IInput Advance()
    {
        if (AtEnd) throw new InvalidOperationException("The input is already at the end of the source.");
        return new SourceInput(_file, Position + 1, Position + 1);
    }

    public SourceInput At(int position, int tokenEnd) => new(_file, position, tokenEnd);

    public bool Equals(IInput? other) => other is SourceInput s && s.Position == Position && ReferenceEquals(s._file, _file);

    public override bool Equals(object? obj) => obj is IInput i && Equals(i);

    public override int GetHashCode() => Position;

    public override string ToString() => $"Line {Line}, Column {Column}";
}
