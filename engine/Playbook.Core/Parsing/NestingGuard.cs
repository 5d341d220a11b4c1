namespace Playbook.Parsing;

/// <summary>Finds the first brace or bracket nested deeper than a limit, stepping over strings,
/// expressions and comments. It loops instead of recursing, so 20 000 '{' cost nothing.</summary>
internal static class NestingGuard
{
    public static int? FindTooDeep(string text, int limit)
    {
        var depth = 0;
        var p = 0;
        while (p < text.Length)
        {
            var skipped = Lexical.SkipOpaque(text, p);
            if (skipped != p) { p = skipped; continue; }
            var c = text[p];
            if (c is '{' or '[')
            {
                depth++;
                if (depth > limit) return p;
            }
            else if (c is '}' or ']' && depth > 0)
            {
                depth--;
            }
            p++;
        }
        return null;
    }
}
