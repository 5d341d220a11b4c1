namespace Playbook.Expressions;

/// <summary>How deep one expression may nest, and the two scans that enforce it without recursing.
/// Jint's parser, Roslyn and our own walkers all recurse once per level, so 10 000 nested brackets or a
/// chain of 10 000 <c>+</c> would exhaust the stack (a crash no <c>catch</c> can stop). A real guard
/// nests a handful of levels.</summary>
public static class ExpressionDepth
{
    /// <summary>Brackets, and syntax levels (each operator of a chain like <c>a + b + …</c> is one), an
    /// expression may nest. Deeper is PB0008.</summary>
    public const int Max = 100;

    /// <summary>What PB0008 says about an expression ("{0} are nested more than {1} levels deep").</summary>
    public const string What = "brackets and operators in this expression";

    /// <summary>The offset of the first bracket nested deeper than <see cref="Max"/>, or null. Run before
    /// a parser sees the code, so deep brackets never reach one. It steps over string and character
    /// literals and comments, and counts a template's or interpolated string's <c>${</c>/<c>{</c> as a
    /// bracket; it loops instead of recursing.</summary>
    public static int? FindTooDeepBracket(string code, bool csharp)
    {
        // One entry per open bracket or string with holes: what closes it. Never deeper than Max + 1.
        var open = new Closers();
        var p = 0;
        while (p < code.Length)
        {
            var c = code[p];
            var inString = open.Count > 0 && open.Peek() is '`' or '"';
            if (inString)
            {
                var quote = open.Peek();
                if (c == '\\') { p += 2; continue; }
                if (c == quote) { open.Pop(); p++; continue; }
                var hole = quote == '`' ? c == '$' && p + 1 < code.Length && code[p + 1] == '{' : c == '{';
                if (csharp && c == '{' && p + 1 < code.Length && code[p + 1] == '{') { p += 2; continue; }
                if (hole)
                {
                    p += quote == '`' ? 2 : 1;
                    if (open.Push('}')) return p - 1;
                    continue;
                }
                p++;
                continue;
            }

            switch (c)
            {
                case '(' or '[' or '{':
                    if (open.Push(c == '(' ? ')' : c == '[' ? ']' : '}')) return p;
                    p++;
                    continue;
                case ')' or ']' or '}':
                    // A stray closer (the parser reports it) must not pop a string.
                    if (open.Count > 0 && open.Peek() is not ('`' or '"')) open.Pop();
                    p++;
                    continue;
                case '/' when p + 1 < code.Length && code[p + 1] == '/':
                    p = SkipTo(code, p + 2, '\n');
                    continue;
                case '/' when p + 1 < code.Length && code[p + 1] == '*':
                {
                    var end = code.IndexOf("*/", p + 2, StringComparison.Ordinal);
                    p = end < 0 ? code.Length : end + 2;
                    continue;
                }
                case '`' when !csharp:
                    if (open.Push('`')) return p;
                    p++;
                    continue;
                case '"' when csharp && IsInterpolated(code, p):
                    // A verbatim one ($@"…", where '\' is no escape) is skipped whole: its holes are left to
                    // Roslyn's own stack guard and to the tree scan after parsing.
                    if (IsVerbatim(code, p)) { p = SkipVerbatim(code, p + 1); continue; }
                    if (open.Push('"')) return p;
                    p++;
                    continue;
                case '"' when csharp && IsVerbatim(code, p):
                    p = SkipVerbatim(code, p + 1);
                    continue;
                case '"' or '\'':
                    p = SkipQuoted(code, p + 1, c);
                    continue;
                default:
                    p++;
                    continue;
            }
        }
        return null;
    }

    /// <summary>What closes each open bracket or string, innermost last. Not a <c>Stack&lt;char&gt;</c>, for the reason
    /// <see cref="Collections.WalkStack{T}"/> gives.</summary>
    private sealed class Closers
    {
        private readonly char[] _closers = new char[Max + 1];

        public int Count { get; private set; }

        public char Peek() => _closers[Count - 1];

        public void Pop() => Count--;

        /// <summary>Adds one; true when that is more than <see cref="Max"/> deep (the scan then stops, so it never
        /// holds more than Max + 1).</summary>
        public bool Push(char closer)
        {
            _closers[Count++] = closer;
            return Count > Max;
        }
    }

    private static bool IsInterpolated(string code, int quote) =>
        quote > 0 && code[quote - 1] == '$' || quote > 1 && code[quote - 1] == '@' && code[quote - 2] == '$';

    private static bool IsVerbatim(string code, int quote) =>
        quote > 0 && code[quote - 1] == '@' || quote > 1 && code[quote - 1] == '$' && code[quote - 2] == '@';

    private static int SkipTo(string code, int p, char end)
    {
        var i = code.IndexOf(end, p);
        return i < 0 ? code.Length : i + 1;
    }

    /// <summary>Past a '…' or "…" literal with backslash escapes (ending at the line's end if unclosed).</summary>
    private static int SkipQuoted(string code, int p, char quote)
    {
        while (p < code.Length && code[p] != '\n')
        {
            if (code[p] == '\\') { p += 2; continue; }
            if (code[p] == quote) return p + 1;
            p++;
        }
        return Math.Min(p, code.Length);
    }

    /// <summary>Past a verbatim "…" literal, where "" is a quote.</summary>
    private static int SkipVerbatim(string code, int p)
    {
        while (p < code.Length)
        {
            if (code[p] == '"')
            {
                if (p + 1 < code.Length && code[p + 1] == '"') { p += 2; continue; }
                return p + 1;
            }
            p++;
        }
        return code.Length;
    }

    /// <summary>The deepest path of a syntax tree, measured without recursing: the first node found
    /// deeper than <see cref="Max"/> levels (counting only nodes <paramref name="counts"/> accepts), or
    /// default when the tree is within the limit.</summary>
    public static T? FindTooDeepNode<T>(T root, Func<T, IEnumerable<T>> children, Func<T, bool> counts) where T : class
    {
        var pending = new Collections.WalkStack<T>();
        pending.Push((root, counts(root) ? 1 : 0));
        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            if (depth > Max) return node;
            foreach (var child in children(node))
            {
                if (child is null) continue;
                pending.Push((child, counts(child) ? depth + 1 : depth));
            }
        }
        return null;
    }
}
