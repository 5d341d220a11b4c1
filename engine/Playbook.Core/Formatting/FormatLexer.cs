using Playbook.Parsing;

namespace Playbook.Formatting;

/// <summary>Splits playbook text (line breaks already LF) into <see cref="FormatToken"/>s, with the same
/// rules as the parser for what is one token: strings with their <c>${…}</c> holes, expressions with
/// their fences, comments, words (<c>a->b</c> is three tokens), numbers with their unit or <c>%</c>.
/// Only called on text that parsed without errors, so it never has to recover.</summary>
internal static class FormatLexer
{
    public static List<FormatToken> Tokenize(string text)
    {
        var tokens = new List<FormatToken>();
        var pos = 0;
        while (true)
        {
            var newlines = 0;
            var space = false;
            while (pos < text.Length && text[pos] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v' or '\uFEFF')
            {
                if (text[pos] == '\n') newlines++;
                space = true;
                pos++;
            }
            if (pos >= text.Length) break;
            var (kind, end) = Scan(text, pos);
            var tokenText = text[pos..end];
            if (kind == FormatTokenKind.Comment) tokenText = tokenText.TrimEnd();
            tokens.Add(new FormatToken(kind, pos, end, tokenText, newlines, space));
            pos = end;
        }
        return tokens;
    }

    private static (FormatTokenKind Kind, int End) Scan(string text, int pos)
    {
        var c = text[pos];
        if (c == '#')
        {
            var eol = text.IndexOf('\n', pos);
            return (FormatTokenKind.Comment, eol < 0 ? text.Length : eol);
        }
        if (c is '"' or '`') return (c == '"' ? FormatTokenKind.String : FormatTokenKind.Expression, EndOfString(text, pos));
        if (c == '-' && pos + 1 < text.Length && text[pos + 1] == '>') return (FormatTokenKind.Punct, pos + 2);
        if (c == '.' && pos + 1 < text.Length && text[pos + 1] == '.') return (FormatTokenKind.Punct, pos + 2);
        if (Lexical.IsWordStart(c)) return (FormatTokenKind.Word, Lexical.ScanWord(text, pos));
        if (Lexical.IsDigit(c) || c == '-' && pos + 1 < text.Length && Lexical.IsDigit(text[pos + 1]))
        {
            // As the parser reads a number: the whole lexeme (digits, letters, '_', '.' before a digit), then '%'.
            var end = pos + 1;
            while (end < text.Length && (Lexical.IsWordPart(text[end]) || text[end] == '.' && end + 1 < text.Length && Lexical.IsDigit(text[end + 1]))) end++;
            if (end < text.Length && text[end] == '%') end++;
            return (FormatTokenKind.Word, end);
        }
        return (FormatTokenKind.Punct, pos + (char.IsHighSurrogate(c) && pos + 1 < text.Length ? 2 : 1));
    }

    /// <summary>The end of the string, long string or expression at <paramref name="pos"/>. A "…" string is
    /// read as the parser reads it: escapes are skipped, and a <c>${…}</c> hole may hold quotes and braces.</summary>
    private static int EndOfString(string text, int pos)
    {
        if (text[pos] == '`' || string.CompareOrdinal(text, pos, "\"\"\"", 0, 3) == 0) return Lexical.SkipOpaque(text, pos);
        var p = pos + 1;
        while (p < text.Length && text[p] != '\n')
        {
            var c = text[p];
            if (c == '"') return p + 1;
            if (c == '\\') { p += 2; continue; }
            if (c == '$' && p + 1 < text.Length && text[p + 1] == '{') { p = EndOfHole(text, p); continue; }
            p++;
        }
        return p;
    }

    /// <summary>Past the <c>}</c> that closes the hole at <paramref name="p"/> (the parser's ReadInterpolation rule).</summary>
    private static int EndOfHole(string text, int p)
    {
        var depth = 0;
        var q = p + 2;
        while (q < text.Length && text[q] != '\n')
        {
            var c = text[q];
            if (c is '\'' or '"' or '`')
            {
                var close = text.IndexOf(c, q + 1);
                var eol = text.IndexOf('\n', q + 1);
                if (close < 0 || eol >= 0 && close > eol) return q;
                q = close + 1;
                continue;
            }
            if (c == '{') depth++;
            else if (c == '}')
            {
                if (depth == 0) return q + 1;
                depth--;
            }
            q++;
        }
        return q;
    }
}
