namespace Playbook.Formatting;

internal enum FormatTokenKind
{
    /// <summary>A name, keyword, number, duration or percentage: anything that reads as one word.</summary>
    Word,
    /// <summary>Punctuation: <c>{ } [ ] , ; = : -> ..</c> and any other single character.</summary>
    Punct,
    /// <summary>A <c>"…"</c> string or a <c>"""…"""</c> long string, holes and escapes included.</summary>
    String,
    /// <summary>A backtick expression (its <c>js</c>/<c>cs</c> prefix is the Word just before it).</summary>
    Expression,
    /// <summary><c># …</c> to the end of the line, without the line break.</summary>
    Comment,
}

/// <summary>One token of the source as the formatter sees it. Its text is copied to the output as is: the
/// formatter only ever changes the whitespace between tokens, which is why it cannot change a string, an
/// expression or a comment. <see cref="NewlinesBefore"/> and <see cref="SpaceBefore"/> describe the trivia
/// the source had before it (the formatter keeps line breaks inside a statement, and keeps two tokens
/// glued when the source glued them, as in <c>cs`x`</c>).</summary>
internal readonly record struct FormatToken(FormatTokenKind Kind, int Start, int End, string Text, int NewlinesBefore, bool SpaceBefore)
{
    public bool Is(string punct) => Kind == FormatTokenKind.Punct && Text == punct;

    public bool IsMultiline => Text.Contains('\n');
}
