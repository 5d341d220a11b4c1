using Playbook.Syntax;
using Sprache;

namespace Playbook.Parsing;

/// <summary>The statements only a foreach takes: <c>each ID in `expr`</c>, <c>parallel K</c>, <c>max M</c>.</summary>
internal sealed partial class PlaybookParser
{
    private Parser<ClauseSyntax> Each => ParseEach;

    private IResult<ClauseSyntax> ParseEach(IInput input)
    {
        var q = new Sequence(input);
        if (!q.Next(Keyword("each"), out var k) || !q.Next(NameOf("the item's name"), out var variable)
            || !q.Next(Keyword("in"), out _) || !q.Next(Expression, out var list)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new EachSyntax(variable, list, Cover(k, list)));
    }

    private Parser<ClauseSyntax> ForeachSetting(string keyword, string what)
    {
        var number = Number(what);
        return i =>
        {
            var q = new Sequence(i);
            if (!q.Next(Keyword(keyword), out var k) || !q.Next(number, out var n)) return q.Fail<ClauseSyntax>();
            return q.Done<ClauseSyntax>(new ForeachSettingSyntax(k, n, Cover(k, n)));
        };
    }

    /// <summary><c>simulate { items A..B }</c>: a foreach's only simulate setting.</summary>
    private Parser<ClauseSyntax> ForeachSimulate => ParseForeachSimulate;

    private IResult<ClauseSyntax> ParseForeachSimulate(IInput input)
    {
        var k = Keyword("simulate")(input);
        if (!k.WasSuccessful) return Result.Failure<ClauseSyntax>(k.Remainder, k.Message, k.Expectations);
        var block = ParseBracedBlock(k.Remainder, Blocks.ForeachSimulate, "simulate", null, k.Value.Span);
        if (!block.WasSuccessful) return Result.Failure<ClauseSyntax>(block.Remainder, block.Message, block.Expectations);
        var items = block.Value.Items.OfType<SimulateItemCountSyntax>().FirstOrDefault();
        return Result.Success<ClauseSyntax>(new ForeachSimulateSyntax(k.Value, items, Playbook.Text.TextSpan.FromBounds(k.Value.Span.Start, block.Value.End)), block.Remainder);
    }

    private Parser<ClauseSyntax> SimItemCount => ParseSimItemCount;

    private IResult<ClauseSyntax> ParseSimItemCount(IInput input)
    {
        var q = new Sequence(input);
        var number = Number("a number of items, like 10..200");
        if (!q.Next(Keyword("items"), out var k) || !q.Next(number, out var min)) return q.Fail<ClauseSyntax>();
        NumberSyntax? max = null;
        if (q.Optional(Symbol(".."), out _, out _) && !q.Next(number, out max)) return q.Fail<ClauseSyntax>();
        return q.Done<ClauseSyntax>(new SimulateItemCountSyntax(k, min, max ?? min, Cover(k, min, max)));
    }
}
