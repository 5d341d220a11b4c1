namespace Playbook.Parsing;

/// <summary>Character-level facts shared by the parser, error recovery and the nesting guard.</summary>
internal static class Lexical
{
    public static bool IsWordStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    public static bool IsWordPart(char c) => IsWordStart(c) || c is >= '0' and <= '9';

    public static bool IsDigit(char c) => c is >= '0' and <= '9';

    /// <summary>Skips spaces, line breaks and <c>#</c> comments.</summary>
    public static int SkipTrivia(string text, int pos)
    {
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v' or '\uFEFF') { pos++; continue; }
            if (c == '#')
            {
                while (pos < text.Length && text[pos] != '\n') pos++;
                continue;
            }
            break;
        }
        return pos;
    }

    /// <summary>The end of a word (name or keyword) starting at <paramref name="pos"/>: letters, digits,
    /// '_' and single '-' between them, so <c>a->b</c> reads as <c>a</c>, <c>-></c>, <c>b</c>.</summary>
    public static int ScanWord(string text, int pos)
    {
        if (pos >= text.Length || !IsWordStart(text[pos])) return pos;
        pos++;
        while (pos < text.Length)
        {
            if (IsWordPart(text[pos])) { pos++; continue; }
            if (text[pos] == '-' && pos + 1 < text.Length && IsWordPart(text[pos + 1])) { pos += 2; continue; }
            break;
        }
        return pos;
    }

    /// <summary>Number of backticks in the run starting at <paramref name="pos"/>.</summary>
    public static int CountRun(string text, int pos, char c)
    {
        var n = 0;
        while (pos + n < text.Length && text[pos + n] == c) n++;
        return n;
    }

    /// <summary>Skips one string, long string, expression or comment starting at <paramref name="pos"/>,
    /// tolerating a missing end (then returns the end of the text, or of the line for a "…" string).
    /// Returns <paramref name="pos"/> unchanged when nothing of the kind starts there.</summary>
    public static int SkipOpaque(string text, int pos)
    {
        if (pos >= text.Length) return pos;
        switch (text[pos])
        {
            case '#':
                while (pos < text.Length && text[pos] != '\n') pos++;
                return pos;
            case '`':
            {
                var fence = CountRun(text, pos, '`');
                var i = pos + fence;
                while (i < text.Length)
                {
                    if (text[i] == '`')
                    {
                        var run = CountRun(text, i, '`');
                        if (run == fence) return i + run;
                        i += run;
                        continue;
                    }
                    i++;
                }
                return text.Length;
            }
            case '"':
            {
                if (string.CompareOrdinal(text, pos, "\"\"\"", 0, 3) == 0)
                {
                    var end = text.IndexOf("\"\"\"", pos + 3, StringComparison.Ordinal);
                    return end < 0 ? text.Length : end + 3;
                }
                var i = pos + 1;
                while (i < text.Length && text[i] != '\n')
                {
                    if (text[i] == '\\') { i += 2; continue; }
                    if (text[i] == '"') return i + 1;
                    i++;
                }
                return Math.Min(i, text.Length);
            }
            default:
                return pos;
        }
    }

    /// <summary>A short description of what starts at <paramref name="pos"/>, for "expected X, found Y".</summary>
    public static string Describe(string text, int pos)
    {
        pos = Math.Min(pos, text.Length);
        if (pos >= text.Length) return "the end of the file";
        var c = text[pos];
        if (IsWordStart(c)) return $"'{text[pos..ScanWord(text, pos)]}'";
        if (IsDigit(c))
        {
            var e = pos;
            while (e < text.Length && (IsWordPart(text[e]) || text[e] == '.' && e + 1 < text.Length && IsDigit(text[e + 1]))) e++;
            return $"'{text[pos..e]}'";
        }
        if (c == '"') return "a string";
        if (c == '`') return "an expression";
        if (c == '\n' || c == '\r') return "the end of the line";
        if (c == '-' && pos + 1 < text.Length && text[pos + 1] == '>') return "'->'";
        if (char.IsControl(c) || char.IsSurrogate(c)) return $"the character U+{(int)c:X4}";
        return $"'{c}'";
    }
}
