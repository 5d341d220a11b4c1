using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Playbook.Diagnostics;
using Playbook.Syntax;
using Playbook.Text;
using Sprache;

namespace Playbook.Parsing;

/// <summary>Token-level parsers. Each starts at a token (never at trivia), fails without consuming
/// anything when its token is not there, and skips the trivia after its token, so Sprache's
/// committing combinators (XOr, XOptional, XMany) see exactly where a statement went wrong.</summary>
internal sealed partial class PlaybookParser
{
    /// <summary>Failure messages that start with this marker were already reported as diagnostics.</summary>
    internal const string Reported = "\u0001reported";

    private string Text => _source.Text;

    private SourceInput After(IInput input, int tokenEnd) =>
        ((SourceInput)input).At(Lexical.SkipTrivia(Text, tokenEnd), tokenEnd);

    /// <summary>A token's value and the input after it (its trivia skipped) in one object: Sprache's
    /// Result plus a SourceInput per token was most of the parser's garbage.</summary>
    private IResult<T> Success<T>(T value, IInput input, int tokenEnd) =>
        new TokenResult<T>(((SourceInput)input).File, Lexical.SkipTrivia(Text, tokenEnd), tokenEnd, value);

    /// <summary>A failure's message and expectations. A class, not a tuple: the table below is then a dictionary of
    /// references, whose code the runtime has ready, not one the JIT compiles at every start.</summary>
    private sealed record FailureText(string Message, string[] Expectations);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FailureText> Failures = new(StringComparer.Ordinal);

    // Failures are the common case (every optional part that is absent is one), so their texts are made once.
    private static IResult<T> Fail<T>(IInput at, string expected)
    {
        var failure = Failures.GetOrAdd(expected, static e => new FailureText("expected " + e, [e]));
        return Result.Failure<T>(at, failure.Message, failure.Expectations);
    }

    private static IResult<T> FailCoded<T>(IInput at, DiagnosticDescriptor descriptor, int length, params string[] args) =>
        Result.Failure<T>(at, descriptor.Id + "|" + length.ToString(CultureInfo.InvariantCulture) + "|" + string.Join("\u0002", args), Array.Empty<string>());

    private IResult<T> FailReported<T>(IInput at) => Result.Failure<T>(at, Reported, Array.Empty<string>());

    /// <summary>Any word: a name or a keyword.</summary>
    private IResult<NameSyntax> ParseWord(IInput i, string expected)
    {
        var end = Lexical.ScanWord(Text, i.Position);
        if (end == i.Position) return Fail<NameSyntax>(i, expected);
        return Success(new NameSyntax(Text[i.Position..end], TextSpan.FromBounds(i.Position, end)), i, end);
    }

    // One table per kind of parser, keyed by its argument (string keys and reference values: see FailureText).
    private readonly Dictionary<string, Parser<NameSyntax>> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Parser<NameSyntax>> _keywords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Parser<NameSyntax>> _oneOfs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Parser<Punctuation>> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Parser<NumberSyntax>> _numbers = new(StringComparer.Ordinal);

    /// <summary>Parsers with arguments are built once per argument: statement parsers ask for them on every use.
    /// The builder is a static lambda given the parser and the argument, so a hit allocates nothing (a
    /// capturing lambda here cost a closure and a delegate per statement, ~1 MB on 10 000 lines).</summary>
    private Parser<T> Memo<T, TArg>(Dictionary<string, Parser<T>> table, string key, TArg arg, Func<PlaybookParser, string, TArg, Parser<T>> build)
    {
        if (table.TryGetValue(key, out var known)) return known;
        var parser = build(this, key, arg);
        table[key] = parser;
        return parser;
    }

    private Parser<NameSyntax> NameOf(string what) => Memo<NameSyntax, object?>(_names, what, null, static (self, what, _) => i => self.ParseWord(i, what));

    private Parser<NameSyntax> Keyword(string keyword) => Memo<NameSyntax, object?>(_keywords, keyword, null, static (self, keyword, _) => i =>
    {
        var text = self.Text;
        var end = Lexical.ScanWord(text, i.Position);
        if (end - i.Position != keyword.Length || string.CompareOrdinal(text, i.Position, keyword, 0, keyword.Length) != 0)
            return Fail<NameSyntax>(i, $"'{keyword}'");
        return self.Success(new NameSyntax(keyword, TextSpan.FromBounds(i.Position, end)), i, end);
    });

    /// <summary>One of several keywords, e.g. an outcome or an HTTP method.</summary>
    private Parser<NameSyntax> OneOf(string what, params string[] words) => Memo<NameSyntax, string[]>(_oneOfs, what, words, static (self, what, words) => i =>
    {
        var text = self.Text;
        var end = Lexical.ScanWord(text, i.Position);
        var word = text[i.Position..end];
        if (end == i.Position || Array.IndexOf(words, word) < 0) return Fail<NameSyntax>(i, what);
        return self.Success(new NameSyntax(word, TextSpan.FromBounds(i.Position, end)), i, end);
    });

    /// <summary>A punctuation token (<c>{</c>, <c>-&gt;</c>, <c>=</c>…) and where it is. A class, not the bare TextSpan: see
    /// the note in ParsePlaybook on Sprache's combinators over value types.</summary>
    private sealed record Punctuation(TextSpan Span);

    private Parser<Punctuation> Symbol(string symbol) => Memo<Punctuation, object?>(_symbols, symbol, null, static (self, symbol, _) => i =>
    {
        if (string.CompareOrdinal(self.Text, i.Position, symbol, 0, symbol.Length) != 0) return Fail<Punctuation>(i, $"'{symbol}'");
        var end = i.Position + symbol.Length;
        return self.Success(new Punctuation(TextSpan.FromBounds(i.Position, end)), i, end);
    });

    // ---- numbers, durations, percentages -----------------------------------------------------

    /// <summary>Reads a number, a duration or a percentage, whichever is written.</summary>
    private IResult<ValueSyntax> ParseNumeric(IInput i, string expected)
    {
        var text = Text;
        var start = i.Position;
        var p = start;
        if (p < text.Length && text[p] == '-') p++;
        if (p >= text.Length || !Lexical.IsDigit(text[p])) return Fail<ValueSyntax>(i, expected);

        // Scan the whole lexeme first (digits, letters, '.', '_'), so "5min" is one bad duration, not 5m + "in".
        var end = p;
        while (end < text.Length && (Lexical.IsWordPart(text[end]) || text[end] == '.' && end + 1 < text.Length && Lexical.IsDigit(text[end + 1]))) end++;
        var lexeme = text[start..end];

        if (end < text.Length && text[end] == '%')
        {
            if (!TryNumber(lexeme, out var pct)) return FailCoded<ValueSyntax>(i, DiagnosticCatalog.InvalidNumber, end - start + 1, lexeme + "%", "");
            return Success<ValueSyntax>(new PercentSyntax(pct, lexeme + "%", TextSpan.FromBounds(start, end + 1)), i, end + 1);
        }

        var firstLetter = lexeme.AsSpan().IndexOfAnyInRange('a', 'z');
        var firstUpper = lexeme.AsSpan().IndexOfAnyInRange('A', 'Z');
        if (firstLetter < 0 && firstUpper < 0)
        {
            if (!TryNumber(lexeme, out var number))
                return FailCoded<ValueSyntax>(i, DiagnosticCatalog.InvalidNumber, end - start, lexeme, "");
            return Success<ValueSyntax>(new NumberSyntax(number, !lexeme.Contains('.'), lexeme, TextSpan.FromBounds(start, end)), i, end);
        }

        if (!DurationText.TryParse(lexeme, out var duration))
            return FailCoded<ValueSyntax>(i, DiagnosticCatalog.InvalidDuration, end - start, lexeme);
        return Success<ValueSyntax>(new DurationSyntax(duration, lexeme, TextSpan.FromBounds(start, end)), i, end);
    }

    private static bool TryNumber(string lexeme, out double value)
    {
        value = 0;
        if (lexeme.EndsWith('_') || lexeme.Contains("__", StringComparison.Ordinal)) return false;
        return double.TryParse(lexeme.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    private Parser<DurationSyntax>? _duration;
    private Parser<DurationSyntax> Duration => _duration ??= i =>
    {
        var r = ParseNumeric(i, "a duration (like 30s or 5m)");
        if (!r.WasSuccessful) return Result.Failure<DurationSyntax>(r.Remainder, r.Message, r.Expectations);
        if (r.Value is DurationSyntax d)
        {
            if (d.Value < TimeSpan.Zero) return FailCoded<DurationSyntax>(i, DiagnosticCatalog.InvalidDuration, d.Span.Length, d.Text);
            return ((SourceInput)r.Remainder).Succeed(d);
        }
        // A bare number where a duration belongs: "timeout 30" — say which unit is missing.
        return FailCoded<DurationSyntax>(i, DiagnosticCatalog.InvalidDuration, r.Value.Span.Length, Text.Substring(r.Value.Span.Start, r.Value.Span.Length));
    };

    private Parser<NumberSyntax> Number(string what) => Memo<NumberSyntax, object?>(_numbers, what, null, static (self, what, _) => i =>
    {
        var r = self.ParseNumeric(i, what);
        if (!r.WasSuccessful) return Result.Failure<NumberSyntax>(r.Remainder, r.Message, r.Expectations);
        if (r.Value is NumberSyntax n) return ((SourceInput)r.Remainder).Succeed(n);
        return Fail<NumberSyntax>(i, what);
    });

    private Parser<PercentSyntax>? _percent;
    private Parser<PercentSyntax> Percent => _percent ??= i =>
    {
        var r = ParseNumeric(i, "a percentage (like 10%)");
        if (!r.WasSuccessful) return Result.Failure<PercentSyntax>(r.Remainder, r.Message, r.Expectations);
        if (r.Value is PercentSyntax p) return ((SourceInput)r.Remainder).Succeed(p);
        return Fail<PercentSyntax>(i, "a percentage (like 10%)");
    };

    // ---- expressions ---------------------------------------------------------------------------

    /// <summary>A backtick expression with an optional <c>js</c>/<c>cs</c> prefix; a fence of N
    /// backticks ends at the next run of exactly N backticks (as in Markdown).</summary>
    private Parser<ExpressionSyntax>? _expression;
    private Parser<ExpressionSyntax> Expression => _expression ??= i => ParseExpression(i);

    private IResult<ExpressionSyntax> ParseExpression(IInput i)
    {
        var text = Text;
        var start = i.Position;
        var p = start;
        ExpressionLanguage? language = null;
        if (p < text.Length && Lexical.IsWordStart(text[p]))
        {
            var wordEnd = Lexical.ScanWord(text, p);
            if (wordEnd >= text.Length || text[wordEnd] != '`') return Fail<ExpressionSyntax>(i, "an expression in backticks");
            var prefix = text[p..wordEnd];
            language = prefix switch
            {
                "js" => ExpressionLanguage.JavaScript,
                "cs" or "csharp" => ExpressionLanguage.CSharp,
                _ => null,
            };
            if (language is null)
                return FailCoded<ExpressionSyntax>(i, DiagnosticCatalog.UnknownExpressionLanguage, wordEnd - p, prefix);
            p = wordEnd;
        }
        if (p >= text.Length || text[p] != '`') return Fail<ExpressionSyntax>(i, "an expression in backticks");

        var fence = Lexical.CountRun(text, p, '`');
        var codeStart = p + fence;
        var q = codeStart;
        while (q < text.Length)
        {
            if (text[q] == '`')
            {
                var run = Lexical.CountRun(text, q, '`');
                if (run == fence)
                {
                    var codeEnd = q;
                    // Markdown rule: one space just inside each fence is padding, so `` `x` `` reads `x`.
                    if (codeEnd - codeStart >= 2 && text[codeStart] == ' ' && text[codeEnd - 1] == ' ' && text.AsSpan(codeStart, codeEnd - codeStart).Trim().Length > 0)
                    {
                        codeStart++;
                        codeEnd--;
                    }
                    var code = text[codeStart..codeEnd];
                    var end = q + run;
                    return Success(new ExpressionSyntax(code, language, TextSpan.FromBounds(codeStart, codeEnd), TextSpan.FromBounds(start, end)), i, end);
                }
                q += run;
                continue;
            }
            q++;
        }
        _bag.Report(DiagnosticCatalog.UnterminatedExpression, TextSpan.FromBounds(p, p + fence), new string('`', fence));
        return FailReported<ExpressionSyntax>(i);
    }

    // ---- strings -----------------------------------------------------------------------------------

    private Parser<StringSyntax>? _string;
    private Parser<StringSyntax> String => _string ??= i => ParseString(i);

    private IResult<StringSyntax> ParseString(IInput i)
    {
        var text = Text;
        var start = i.Position;
        if (start >= text.Length || text[start] != '"') return Fail<StringSyntax>(i, "a string in quotes");
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0) return ParseLongString(i);

        // Most strings are plain text: take them in one piece.
        var plainEnd = text.AsSpan(start + 1).IndexOfAny("\"\\$\n\r");
        if (plainEnd >= 0 && text[start + 1 + plainEnd] == '"')
        {
            var close = start + 1 + plainEnd;
            var plain = plainEnd == 0
                ? ImmutableArray<StringPartSyntax>.Empty
                : ImmutableArray.Create<StringPartSyntax>(new TextPartSyntax(text.Substring(start + 1, plainEnd), TextSpan.FromBounds(start + 1, close)));
            return Success(new StringSyntax(plain, false, TextSpan.FromBounds(start, close + 1)), i, close + 1);
        }

        var parts = ImmutableArray.CreateBuilder<StringPartSyntax>();
        var buffer = new StringBuilder();
        var textStart = start + 1;
        var p = start + 1;
        while (true)
        {
            if (p >= text.Length || text[p] == '\n' || text[p] == '\r')
            {
                _bag.Report(DiagnosticCatalog.UnterminatedString, TextSpan.FromBounds(start, p), "'\"' on the same line (use \"\"\"…\"\"\" for text over several lines)");
                return FailReported<StringSyntax>(i);
            }
            var c = text[p];
            if (c == '"')
            {
                FlushText(parts, buffer, textStart, p);
                return Success(new StringSyntax(parts.ToImmutable(), false, TextSpan.FromBounds(start, p + 1)), i, p + 1);
            }
            if (c == '\\')
            {
                p = ReadEscape(p, buffer);
                continue;
            }
            if (c == '$' && p + 1 < text.Length && text[p + 1] == '{')
            {
                if (!TakeHole(parts, buffer, textStart, ref p)) return FailReported<StringSyntax>(i);
                textStart = p;
                continue;
            }
            buffer.Append(c);
            p++;
        }
    }

    private int ReadEscape(int p, StringBuilder buffer)
    {
        var text = Text;
        if (p + 1 >= text.Length) { buffer.Append('\\'); return p + 1; }
        var e = text[p + 1];
        switch (e)
        {
            case '"': buffer.Append('"'); return p + 2;
            case '\\': buffer.Append('\\'); return p + 2;
            case 'n': buffer.Append('\n'); return p + 2;
            case 't': buffer.Append('\t'); return p + 2;
            case 'r': buffer.Append('\r'); return p + 2;
            case '$': buffer.Append('$'); return p + 2;
            case 'u' when p + 2 < text.Length && text[p + 2] == '{':
            {
                var close = text.IndexOf('}', p + 3);
                if (close > 0 && close - (p + 3) is >= 1 and <= 6
                    && int.TryParse(text.AsSpan(p + 3, close - (p + 3)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
                    && code <= 0x10FFFF && code is < 0xD800 or > 0xDFFF)
                {
                    buffer.Append(char.ConvertFromUtf32(code));
                    return close + 1;
                }
                var badEnd = close > 0 && close - p < 12 ? close + 1 : p + 2;
                _bag.Report(DiagnosticCatalog.InvalidEscape, TextSpan.FromBounds(p, badEnd), text[p..badEnd]);
                return badEnd;
            }
            default:
                _bag.Report(DiagnosticCatalog.InvalidEscape, new TextSpan(p, 2), text.Substring(p, 2));
                buffer.Append(e);
                return p + 2;
        }
    }

    /// <summary>Reads <c>${ … }</c> at <paramref name="p"/>, counting braces and skipping quoted text inside.</summary>
    private InterpolationSyntax? ReadInterpolation(int p)
    {
        var text = Text;
        var codeStart = p + 2;
        var depth = 0;
        var q = codeStart;
        while (q < text.Length && text[q] != '\n')
        {
            var c = text[q];
            if (c is '\'' or '"' or '`')
            {
                var close = text.IndexOf(c, q + 1);
                var eol = text.IndexOf('\n', q + 1);
                if (close < 0 || eol >= 0 && close > eol) break;
                q = close + 1;
                continue;
            }
            if (c == '{') depth++;
            else if (c == '}')
            {
                if (depth == 0)
                {
                    var code = text[codeStart..q];
                    var codeSpan = TextSpan.FromBounds(codeStart, q);
                    if (code.Trim().Length == 0)
                    {
                        _bag.Report(DiagnosticCatalog.InvalidValue, TextSpan.FromBounds(p, q + 1), "'${}' is empty: put a name or an expression inside, as in ${worker}");
                    }
                    var expr = new ExpressionSyntax(code, null, codeSpan, codeSpan);
                    return new InterpolationSyntax(expr, TextSpan.FromBounds(p, q + 1));
                }
                depth--;
            }
            q++;
        }
        _bag.Report(DiagnosticCatalog.UnterminatedInterpolation, new TextSpan(p, 2));
        return null;
    }

    /// <summary>At a <c>${</c>: ends the literal text so far, reads the hole and moves past it. False when
    /// the hole is not closed (already reported).</summary>
    private bool TakeHole(ImmutableArray<StringPartSyntax>.Builder parts, StringBuilder buffer, int textStart, ref int p)
    {
        FlushText(parts, buffer, textStart, p);
        var hole = ReadInterpolation(p);
        if (hole is null) return false;
        parts.Add(hole);
        p = hole.Span.End;
        return true;
    }

    private void FlushText(ImmutableArray<StringPartSyntax>.Builder parts, StringBuilder buffer, int from, int to)
    {
        if (buffer.Length == 0) return;
        parts.Add(new TextPartSyntax(buffer.ToString(), TextSpan.FromBounds(from, to)));
        buffer.Clear();
    }

    /// <summary><c>"""…"""</c>: raw text over several lines; <c>${…}</c> interpolates and <c>\$</c> writes
    /// a literal dollar. A line break right after the opening quotes and the common indentation are removed.</summary>
    private IResult<StringSyntax> ParseLongString(IInput i)
    {
        var text = Text;
        var start = i.Position;
        var close = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
        if (close < 0)
        {
            _bag.Report(DiagnosticCatalog.UnterminatedString, new TextSpan(start, 3), "'\"\"\"'");
            return FailReported<StringSyntax>(i);
        }
        var parts = ImmutableArray.CreateBuilder<StringPartSyntax>();
        var buffer = new StringBuilder();
        var p = start + 3;
        var textStart = p;
        while (p < close)
        {
            if (text[p] == '\\' && p + 1 < close && text[p + 1] == '$') { buffer.Append('$'); p += 2; continue; }
            if (text[p] == '$' && p + 1 < close && text[p + 1] == '{')
            {
                if (!TakeHole(parts, buffer, textStart, ref p)) return FailReported<StringSyntax>(i);
                textStart = p;
                continue;
            }
            buffer.Append(text[p]);
            p++;
        }
        FlushText(parts, buffer, textStart, close);
        var trimmed = LongStringIndentation.Trim(parts.ToImmutable());
        return Success(new StringSyntax(trimmed, true, TextSpan.FromBounds(start, close + 3)), i, close + 3);
    }
}
