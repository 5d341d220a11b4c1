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
}
