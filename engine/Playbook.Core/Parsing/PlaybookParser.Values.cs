using System.Collections.Immutable;
using Playbook.Syntax;
using Playbook.Text;
using Sprache;

namespace Playbook.Parsing;

internal sealed partial class PlaybookParser
{
    private const string ValueExpected = "a value (a string, number, duration, true/false, `expression`, { map } or [ list ])";

    /// <summary>Any value, chosen by its first character so errors point at the value itself.</summary>
    private Parser<ValueSyntax>? _value;
    private Parser<ValueSyntax> Value => _value ??= i => ParseValue(i);

    private IResult<ValueSyntax> ParseValue(IInput i)
    {
        if (i.AtEnd) return Fail<ValueSyntax>(i, ValueExpected);
        var c = i.Current;
        switch (c)
        {
            case '"':
                return Widen(ParseString(i));
            case '`':
                return Widen(ParseExpression(i));
            case '{':
                return Widen(Map(i));
            case '[':
                return Widen(List(i));
        }
        if (Lexical.IsDigit(c) || c == '-' && i.Position + 1 < Text.Length && Lexical.IsDigit(Text[i.Position + 1]))
            return ParseNumeric(i, ValueExpected);
        if (Lexical.IsWordStart(c))
        {
            var end = Lexical.ScanWord(Text, i.Position);
            if (end < Text.Length && Text[end] == '`') return Widen(ParseExpression(i));
            var word = Text[i.Position..end];
            var span = TextSpan.FromBounds(i.Position, end);
            ValueSyntax value = word switch
            {
                "true" => new BoolSyntax(true, span),
                "false" => new BoolSyntax(false, span),
                _ => new WordSyntax(word, span),
            };
            return Success(value, i, end);
        }
        return Fail<ValueSyntax>(i, ValueExpected);
    }

    private static IResult<ValueSyntax> Widen<T>(IResult<T> r) where T : ValueSyntax =>
        r.WasSuccessful ? Result.Success<ValueSyntax>(r.Value, r.Remainder) : Result.Failure<ValueSyntax>(r.Remainder, r.Message, r.Expectations);

    /// <summary><c>{ key = value, key = value }</c>; entries are separated by commas, semicolons or line breaks.</summary>
    private Parser<MapSyntax>? _map;
    private Parser<MapSyntax> Map => _map ??= i =>
    {
        var open = Symbol("{")(i);
        if (!open.WasSuccessful) return Result.Failure<MapSyntax>(open.Remainder, open.Message, open.Expectations);
        var entries = ImmutableArray.CreateBuilder<MapEntrySyntax>();
        var at = open.Remainder;
        while (true)
        {
            if (!at.AtEnd && at.Current == '}')
            {
                var end = at.Position + 1;
                return Success(new MapSyntax(entries.ToImmutable(), TextSpan.FromBounds(i.Position, end)), at, end);
            }
            if (!at.AtEnd && at.Current is ',' or ';') { at = After(at, at.Position + 1); continue; }
            var entry = MapEntry(at);
            if (!entry.WasSuccessful)
            {
                if (at.AtEnd) return Fail<MapSyntax>(at, "'}' to close the map");
                return Result.Failure<MapSyntax>(entry.Remainder, entry.Message, entry.Expectations.Append("'}'"));
            }
            entries.Add(entry.Value);
            at = entry.Remainder;
        }
    };

    private Parser<MapEntrySyntax>? _mapEntry;
    private Parser<MapEntrySyntax> MapEntry => _mapEntry ??=
        from key in NameOf("a key")
        from eq in Symbol("=")
        from value in Value
        select new MapEntrySyntax(key, value, key.Span.Cover(value.Span));

    /// <summary><c>[ value, value ]</c>.</summary>
    private Parser<ListSyntax>? _list;
    private Parser<ListSyntax> List => _list ??= i =>
    {
        var open = Symbol("[")(i);
        if (!open.WasSuccessful) return Result.Failure<ListSyntax>(open.Remainder, open.Message, open.Expectations);
        var items = ImmutableArray.CreateBuilder<ValueSyntax>();
        var at = open.Remainder;
        while (true)
        {
            if (!at.AtEnd && at.Current == ']')
            {
                var end = at.Position + 1;
                return Success(new ListSyntax(items.ToImmutable(), TextSpan.FromBounds(i.Position, end)), at, end);
            }
            if (!at.AtEnd && at.Current == ',' && items.Count > 0) { at = After(at, at.Position + 1); continue; }
            var item = ParseValue(at);
            if (!item.WasSuccessful)
            {
                if (at.AtEnd) return Fail<ListSyntax>(at, "']' to close the list");
                return Result.Failure<ListSyntax>(item.Remainder, item.Message, item.Expectations.Append("']'"));
            }
            items.Add(item.Value);
            at = item.Remainder;
        }
    };

    /// <summary>A retry factor, written <c>x2</c>, <c>x 1.5</c> or <c>×2</c>.</summary>
    private Parser<NumberSyntax>? _factor;
    private Parser<NumberSyntax> Factor => _factor ??= i =>
    {
        var text = Text;
        var p = i.Position;
        if (p >= text.Length || text[p] is not ('x' or '×')) return Fail<NumberSyntax>(i, "a backoff factor (like x2)");
        var q = Lexical.SkipTrivia(text, p + 1);
        if (q >= text.Length || !Lexical.IsDigit(text[q])) return Fail<NumberSyntax>(i, "a backoff factor (like x2)");
        var r = Number("a backoff factor (like x2)")(((SourceInput)i).At(q, p + 1));
        if (!r.WasSuccessful) return r;
        return Result.Success(r.Value with { Span = TextSpan.FromBounds(p, r.Value.Span.End), Text = text[p..r.Value.Span.End] }, r.Remainder);
    };
}
