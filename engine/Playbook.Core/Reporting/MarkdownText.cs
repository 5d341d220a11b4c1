using System.Text;

namespace Playbook.Reporting;

/// <summary>Values from a journal written into Markdown so that they stay text: no HTML, no link, no emphasis,
/// no table cell or code span broken open, whatever the value holds. A journal's values come from commands,
/// servers and people (stderr, a response body, a note), so a report must treat each one as hostile. The
/// templates reach these as <c>md.text</c>, <c>md.code</c>, <c>md.cell_code</c> and <c>md.block</c>.</summary>
public static class MarkdownText
{
    // Every ASCII punctuation mark that CommonMark or a Markdig/GFM extension gives a meaning to inline:
    // emphasis (* _ ~ ^), code (`), HTML and autolinks (< > &), links ([ ]; "(" and ")" only matter after "]"), tables (|), math ($),
    // attributes ({ }), escapes (\) and headings (#). CommonMark lets a backslash escape any of them. "!" only
    // makes an image before "[", which is escaped; "=" and "+" only mark or insert when doubled ("==", "++").
    private const string Special = "\\`*_{}[]<>#|~^&$";

    /// <summary>Inline text: each meaningful mark escaped, line breaks as spaces (a value never starts a new
    /// block or table row), and what would start a block at the beginning of a line (a list, a quote, a
    /// definition) or an autolink (<c>http://</c>, <c>www.</c>) made plain.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var text = OneLine(value);
        var sb = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            // "_" between two letters or digits ("api_token") opens no emphasis in CommonMark: it stays readable.
            if (c == '_' && i > 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i - 1]) && char.IsLetterOrDigit(text[i + 1])) { sb.Append(c); continue; }
            if (Special.Contains(c)
                || (c is '=' or '+' && ((i > 0 && text[i - 1] == c) || (i + 1 < text.Length && text[i + 1] == c)))
                // "http://…", "mailto:…", "tel:…", "a@b.c" and "www.…" would be linked by an autolink extension;
                // "::" opens a container. A colon before a space ("failed: why") links nothing and stays plain.
                || (c == ':' && (i + 1 == text.Length || !char.IsWhiteSpace(text[i + 1]) || i == 0))
                || c == '@'
                || (c == '.' && i >= 3 && string.Compare(text, i - 3, "www", 0, 3, StringComparison.OrdinalIgnoreCase) == 0)
                // A value at the start of a line: "- x" or "1. x" would be a list, "> x" a quote.
                || (i == 0 && c == '>')
                || (i == 0 && c is '-' or '+' or '=' && StartsBlock(text))
                || ((c is '.' or ')') && i > 0 && AllDigits(text, i)))
                sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>An inline code span that shows <paramref name="value"/> exactly (on one line): its fence is one
    /// backtick longer than the longest run of backticks in it, so none of them can close it early.</summary>
    public static string Code(string? value) => Span(OneLine(value ?? ""));

    /// <summary>A code span in a table cell: as <see cref="Code"/>, with <c>|</c> written <c>\|</c>, which GFM
    /// tables read as a pipe inside the cell (even in a code span) rather than as the cell's end.</summary>
    public static string CellCode(string? value) => Span(OneLine(value ?? "").Replace("|", "\\|", StringComparison.Ordinal));

    /// <summary>A fenced code block of several lines: the fence is longer than any run of backticks in the
    /// text, so no line of it can close the block. <paramref name="info"/> is the language word, if any.</summary>
    public static string Block(string? value, string? info = null)
    {
        var text = (value ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        var fence = new string('`', Math.Max(3, LongestRun(text) + 1));
        return fence + Text(info ?? "").Replace(" ", "", StringComparison.Ordinal) + "\n" + text + (text.Length > 0 ? "\n" : "") + fence;
    }

    private static string Span(string text)
    {
        // An empty code span does not exist in Markdown: a space shows that the value is empty.
        if (text.Length == 0) return "` `";
        var fence = new string('`', LongestRun(text) + 1);
        // A value that starts or ends with a backtick would join the fence; CommonMark strips one space on each side.
        var pad = text[0] == '`' || text[^1] == '`' || (text[0] == ' ' && text[^1] == ' ' && text.Trim().Length > 0) ? " " : "";
        return fence + pad + text + pad + fence;
    }

    private static int LongestRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }

    private static string OneLine(string value) =>
        value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    private static bool At(string text, int index, string what) =>
        index + what.Length <= text.Length && string.CompareOrdinal(text, index, what, 0, what.Length) == 0;

    /// <summary>Whether a value starting with '-', '+' or '=' would start a block at the beginning of a line: a list
    /// item ("- x", "+ x") or a rule or heading underline ("---", "==="). "--answer" starts none and stays as it is.</summary>
    private static bool StartsBlock(string text) =>
        (text[0] != '=' && (text.Length == 1 || char.IsWhiteSpace(text[1]))) || text.All(ch => ch == text[0] || ch == ' ' || ch == '\t');

    private static bool AllDigits(string text, int end)
    {
        for (var i = 0; i < end; i++)
            if (!char.IsAsciiDigit(text[i])) return false;
        return true;
    }
}
