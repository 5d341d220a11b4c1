using System.Text;

namespace Playbook.Shell;

/// <summary>One word of a simple command while it is scanned: its text without quote characters (a hole
/// is <see cref="ShellContextAnalysis.HoleMark"/>), the holes in it, and what reads it as code. While
/// characters arrive it also follows, in constant time per character, whether the next one would be in
/// an array subscript (<c>name[…</c>, <c>${name[…</c>) or a substring offset (<c>${name:…</c>).</summary>
internal sealed class ShellWord
{
    private enum Brace
    {
        None,
        Dollar,
        Open,
        Mark,
        Name,
        Colon,
        Offset,
    }

    private readonly StringBuilder _text = new();
    private Brace _brace;
    private bool _allName = true;
    private string? _value;

    public int Length => _text.Length;

    public List<int> Holes { get; } = new();

    /// <summary>False once a hole or a substitution is part of the word: its text is then not known.</summary>
    public bool Literal { get; set; } = true;

    public ShellDanger Danger { get; private set; }

    /// <summary>Why, for each flag set (the first reason given for it wins).</summary>
    public DangerReasons Reasons { get; } = new();

    /// <summary>Whether the word is the command itself (set when its command is classified).</summary>
    public bool IsCommandWord { get; set; }

    /// <summary>Inside <c>name[…</c> or <c>${name[…</c>: bash evaluates a subscript as arithmetic.</summary>
    public bool InSubscript { get; private set; }

    /// <summary>Inside <c>${name:…</c> (not <c>:-</c>, <c>:=</c>, <c>:?</c>, <c>:+</c>): an arithmetic offset.</summary>
    public bool InOffset => _brace is Brace.Colon or Brace.Offset;

    public void Append(char c)
    {
        if (InSubscript)
        {
            if (c == ']') InSubscript = false;
        }
        else if (c == '[' && (_allName && _text.Length > 0 || _brace == Brace.Name)) InSubscript = true;
        _brace = Next(_brace, c);
        _allName = _allName && (_text.Length == 0 ? IsNameStart(c) : IsNameChar(c));
        _text.Append(c);
    }

    public void Append(string text)
    {
        foreach (var c in text) Append(c);
    }

    private static Brace Next(Brace state, char c) => state switch
    {
        Brace.Dollar when c == '{' => Brace.Open,
        Brace.Open when c is '#' or '!' => Brace.Mark,
        Brace.Open or Brace.Mark when IsNameStart(c) => Brace.Name,
        Brace.Name when IsNameChar(c) || c is '[' or ']' => Brace.Name,
        Brace.Name when c == ':' => Brace.Colon,
        Brace.Colon when c is '-' or '=' or '?' or '+' => Brace.None,
        Brace.Colon => Brace.Offset,
        Brace.Offset when c != '}' => Brace.Offset,
        _ => c == '$' ? Brace.Dollar : Brace.None,
    };

    private static bool IsNameStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';

    public void Mark(ShellDanger danger, string reason)
    {
        Danger |= danger;
        Reasons.TryAdd(danger, reason);
    }

    /// <summary>The text, read once the word is complete (cached: classification reads it several times).</summary>
    public string Value => _value ??= _text.ToString();
}
