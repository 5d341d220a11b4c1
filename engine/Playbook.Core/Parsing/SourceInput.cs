using Playbook.Text;
using Sprache;

namespace Playbook.Parsing;

/// <summary>A position in a playbook's text, as Sprache's <see cref="IInput"/>. Unlike Sprache's own
/// Input it allocates no memo table per character and computes line and column only when asked
/// (error messages), and it remembers where the last token ended so spans exclude trailing trivia.</summary>
internal class SourceInput : IInput
{
    // Sprache's Memoize keeps its table here; nothing in this parser memoizes, so the table lives
    // outside the object (one field less on every token's input).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SourceInput, IDictionary<object, object>> s_memos = new();

    private readonly SourceFile _file;

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

    public IDictionary<object, object> Memos => s_memos.GetValue(this, static _ => new Dictionary<object, object>());

    public IInput Advance()
    {
        if (AtEnd) throw new InvalidOperationException("The input is already at the end of the source.");
        return new SourceInput(_file, Position + 1, Position + 1);
    }

    public SourceInput At(int position, int tokenEnd) => new(_file, position, tokenEnd);

    /// <summary>A successful result that ends here (what <c>Result.Success(value, this)</c> means, in one object).</summary>
    public IResult<T> Succeed<T>(T value) => new TokenResult<T>(_file, Position, TokenEnd, value);

    public bool Equals(IInput? other) => other is SourceInput s && s.Position == Position && ReferenceEquals(s._file, _file);

    public override bool Equals(object? obj) => obj is IInput i && Equals(i);

    public override int GetHashCode() => Position;

    public override string ToString() => $"Line {Line}, Column {Column}";
}

/// <summary>A successful token: the value and, being a <see cref="SourceInput"/> itself, the input after
/// the token. One object where Sprache's <c>Result.Success(value, remainder)</c> takes two.</summary>
internal sealed class TokenResult<T> : SourceInput, IResult<T>
{
    public TokenResult(SourceFile file, int position, int tokenEnd, T value)
        : base(file, position, tokenEnd) => Value = value;

    public T Value { get; }

    public bool WasSuccessful => true;

    // As Sprache's own successful results: no message, no expectations.
    public string Message => null!;

    public IEnumerable<string> Expectations => Array.Empty<string>();

    public IInput Remainder => this;
}
