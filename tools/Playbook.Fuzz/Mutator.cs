using System.Text;

namespace Playbook.Fuzz;

/// <summary>One mutated playbook: its bytes and the mutations that made it (for the report).</summary>
public sealed record Mutant(int Index, string Seed, string Mutations, byte[] Bytes)
{
    public double MiB => Bytes.Length / (1024.0 * 1024.0);
}

/// <summary>Makes hostile variants of real playbooks, reproducibly from a seed: byte flips, deletions,
/// duplicated lines and blocks, deep nesting, long operator chains, many lets, huge tokens, splices of
/// another playbook, and CR / CRLF line endings. Each mutant applies one to three mutations.</summary>
public sealed class Mutator
{
    private readonly IReadOnlyList<(string Name, string Text)> _corpus;
    private readonly int _seed;

    public Mutator(IReadOnlyList<(string Name, string Text)> corpus, int seed)
    {
        if (corpus.Count == 0) throw new ArgumentException("no playbooks to mutate", nameof(corpus));
        _corpus = corpus;
        _seed = seed;
    }

    /// <summary>The shipped playbooks: every *.playbook in <paramref name="directory"/>, by name.</summary>
    public static List<(string Name, string Text)> LoadCorpus(string directory) =>
        Directory.GetFiles(directory, "*.playbook").OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Path.GetFileName(p), File.ReadAllText(p))).ToList();

    private static readonly (string Name, Func<Random, string, IReadOnlyList<(string Name, string Text)>, string> Apply)[] s_mutations =
    {
        ("flip-bytes", FlipCharacters),
        ("delete-span", DeleteSpan),
        ("duplicate-lines", DuplicateLines),
        ("duplicate-block", DuplicateBlock),
        ("deep-brackets", DeepBrackets),
        ("deep-braces", DeepBraces),
        ("long-chain", LongChain),
        ("deep-prefix", DeepPrefix),
        ("many-lets", ManyLets),
        ("huge-token", HugeToken),
        ("splice", Splice),
        ("insert-syntax", InsertSyntax),
        ("to-csharp", ToCSharp),
        ("line-endings", LineEndings),
    };

    /// <summary>Mutant <paramref name="index"/> of this seed: the same (seed, index) always gives the same bytes.</summary>
    public Mutant Make(int index)
    {
        var random = new Random(unchecked(_seed * 7_919 + index * 104_729));
        var (name, text) = _corpus[random.Next(_corpus.Count)];
        var count = 1 + random.Next(3);
        var applied = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (mutation, apply) = s_mutations[random.Next(s_mutations.Length)];
            text = apply(random, text, _corpus);
            applied.Add(mutation);
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        if (applied.Contains("flip-bytes") && bytes.Length > 0 && random.Next(4) == 0)
        {
            // Now and then a raw byte flip, which can make the file invalid UTF-8 or binary.
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }
        return new Mutant(index, name, string.Join('+', applied), bytes);
    }

    private static int Pos(Random r, string text) => text.Length == 0 ? 0 : r.Next(text.Length + 1);

    private static string FlipCharacters(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        if (text.Length == 0) return text;
        var chars = text.ToCharArray();
        for (var i = 1 + r.Next(8); i > 0; i--)
        {
            var p = r.Next(chars.Length);
            chars[p] = (char)(chars[p] ^ (1 << r.Next(7)));
        }
        return new string(chars);
    }

    private static string DeleteSpan(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var start = Pos(r, text);
        var length = Math.Min(text.Length - start, r.Next(2) == 0 ? r.Next(1, 4) : r.Next(1, 400));
        return text.Remove(start, Math.Max(0, length));
    }

    private static string[] Lines(string text) => text.Split('\n');

    private static string DuplicateLines(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var lines = Lines(text).ToList();
        var at = r.Next(lines.Count);
        var times = Fit(r.Next(3) == 0 ? r.Next(1_000, 60_000) : r.Next(1, 20), lines[at].Length + 1);
        lines.InsertRange(at, Enumerable.Repeat(lines[at], times));
        return Cap(string.Join('\n', lines));
    }

    private static string DuplicateBlock(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var lines = Lines(text).ToList();
        var start = r.Next(lines.Count);
        var length = Math.Min(lines.Count - start, 1 + r.Next(30));
        var block = lines.GetRange(start, length);
        var times = Fit(r.Next(4) == 0 ? r.Next(50, 2_000) : r.Next(1, 5), block.Sum(l => l.Length + 1));
        for (var i = 0; i < times; i++) lines.InsertRange(start, block);
        return Cap(string.Join('\n', lines));
    }

    private const int MaxChars = 4_300_000;

    /// <summary>Keeps a mutant near the 4 MiB limit at most (a few go over it, to exercise PB0007).</summary>
    private static string Cap(string text) => text.Length > MaxChars ? text[..MaxChars] : text;

    /// <summary>How many copies of a piece of <paramref name="size"/> characters to insert: at most what the cap
    /// keeps. Capping only afterwards let 60 000 copies of a 1.8 MB line (a file with CR line endings is one
    /// line) be built first: seed 1's mutant 2268 ran the fuzz tool "Out of memory." after 2 250 mutants.</summary>
    private static int Fit(int times, int size) => Math.Min(times, MaxChars / Math.Max(1, size) + 1);

    /// <summary>Somewhere inside an expression (between backticks) if there is one, else anywhere.</summary>
    private static int ExpressionPos(Random r, string text)
    {
        var ticks = new List<int>();
        for (var i = text.IndexOf('`'); i >= 0 && ticks.Count < 400; i = text.IndexOf('`', i + 1)) ticks.Add(i);
        if (ticks.Count < 2 || r.Next(5) == 0) return Pos(r, text);
        var k = r.Next(ticks.Count / 2) * 2;
        return ticks[k] + 1;
    }

    private static int Depth(Random r) => r.Next(3) switch { 0 => r.Next(90, 130), 1 => r.Next(500, 3_000), _ => r.Next(5_000, 40_000) };

    private static string DeepBrackets(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var (open, close) = r.Next(4) switch { 0 => ("(", ")"), 1 => ("[", "]"), 2 => ("{a:", "}"), _ => ("f(", ")") };
        var depth = Depth(r);
        var inner = new StringBuilder().Insert(0, open, depth).Append('1').Insert(open.Length * depth + 1, close, r.Next(2) == 0 ? depth : depth / 2);
        return text.Insert(ExpressionPos(r, text), inner.ToString());
    }

    private static string DeepBraces(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var depth = Depth(r);
        var what = r.Next(3) switch { 0 => "{", 1 => "[", _ => "phase p { " };
        return text.Insert(Pos(r, text), string.Concat(Enumerable.Repeat(what, depth)));
    }

    private static string LongChain(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var op = new[] { "+", "||", "&&", ".a", "?1:", "," }[r.Next(6)];
        var terms = r.Next(2) == 0 ? r.Next(50, 200) : r.Next(2_000, 60_000);
        var chain = op == ".a" ? "x" + string.Concat(Enumerable.Repeat(".a", terms)) : string.Join(op, Enumerable.Repeat("1", terms));
        return text.Insert(ExpressionPos(r, text), chain);
    }

    private static string DeepPrefix(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var op = new[] { "!", "-", "~", "typeof ", "x=>", "new " }[r.Next(6)];
        return text.Insert(ExpressionPos(r, text), string.Concat(Enumerable.Repeat(op, Depth(r))) + "1");
    }

    private static string ManyLets(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var at = text.IndexOf("\n  ", StringComparison.Ordinal);
        if (at < 0) at = Pos(r, text);
        var n = r.Next(2) == 0 ? r.Next(10, 500) : r.Next(5_000, 120_000);
        var unknown = r.Next(3) == 0;
        var lets = new StringBuilder();
        for (var i = 0; i < n; i++) lets.Append("\n  let v").Append(i).Append(unknown ? " = `w" + i + "`" : " = 1");
        return Cap(text.Insert(at, lets.ToString()));
    }

    private static string HugeToken(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var size = r.Next(2) == 0 ? r.Next(1_000, 10_000) : r.Next(100_000, 2_000_000);
        var token = r.Next(5) switch
        {
            0 => new string('a', size),
            1 => "\"" + new string('x', size) + "\"",
            2 => new string('9', size),
            3 => "`" + new string('z', size) + "`",
            _ => "\"" + string.Concat(Enumerable.Repeat("${a}", size / 4)) + "\"",
        };
        return text.Insert(Pos(r, text), token);
    }

    private static string Splice(Random r, string text, IReadOnlyList<(string Name, string Text)> corpus)
    {
        var other = corpus[r.Next(corpus.Count)].Text;
        var start = Pos(r, other);
        var piece = other.Substring(start, Math.Min(other.Length - start, r.Next(1, 2_000)));
        return text.Insert(Pos(r, text), piece);
    }

    private const string SyntaxCharacters = "{}[]()\"`$#\\\n\r\t-><:=,;%._'/ *+?!&|~@\u00e9\u2028\ufeff";

    private static string InsertSyntax(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        var piece = new char[r.Next(1, 12)];
        for (var i = 0; i < piece.Length; i++) piece[i] = SyntaxCharacters[r.Next(SyntaxCharacters.Length)];
        return text.Insert(Pos(r, text), new string(piece));
    }

    private static string ToCSharp(Random r, string text, IReadOnlyList<(string, string)> _)
    {
        if (text.Contains("expressions js", StringComparison.Ordinal))
            return text.Replace("expressions js", "expressions csharp", StringComparison.Ordinal);
        var brace = text.IndexOf("{\n", StringComparison.Ordinal);
        return brace < 0 ? text : text.Insert(brace + 2, "  expressions csharp\n");
    }

    private static string LineEndings(Random r, string text, IReadOnlyList<(string, string)> _) => r.Next(3) switch
    {
        0 => text.Replace("\n", "\r", StringComparison.Ordinal),
        1 => text.Replace("\n", "\r\n", StringComparison.Ordinal),
        // Mixed: every other line break becomes CR or CRLF.
        _ => string.Concat(Lines(text).Select((l, i) => i == 0 ? l : (i % 3 == 0 ? "\r" : i % 3 == 1 ? "\r\n" : "\n") + l)),
    };
}
