using Playbook.Expressions;
using Xunit;

namespace Playbook.Tests.Expressions;

public class JavaScriptAnalyzerTests
{
    private static string[] Names(ExpressionAnalysis a) => a.FreeNames.Select(n => n.Name).ToArray();

    [Theory]
    [InlineData("errors > max_errors")]
    [InlineData("stdout.split('\\n').filter(l => l.includes('\"level\":\"error\"')).length")]
    [InlineData("response.status == 200")]
    [InlineData("`took ${elapsed}ms`")]
    [InlineData("response?.json?.items?.[0] ?? null")]
    [InlineData("(function (x) { return x * 2; })(n)")]
    public void ValidExpressionsHaveNoIssues(string code)
    {
        var result = JavaScriptAnalyzer.Analyze(code);
        Assert.Empty(result.Issues);
        Assert.NotEmpty(result.FreeNames);
    }

    [Fact]
    public void SyntaxErrorOffsetSingleLine()
    {
        const string code = "a > > b";
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze(code).Issues);
        Assert.Equal(ExpressionIssueKind.Error, issue.Kind);
        Assert.Equal(4, issue.Offset);
        Assert.Equal(1, issue.Length);
        Assert.Empty(JavaScriptAnalyzer.Analyze(code).FreeNames);
    }

    [Fact]
    public void SyntaxErrorOffsetUnexpectedIdentifierHasItsLength()
    {
        const string code = "count foo";
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze(code).Issues);
        Assert.Equal(6, issue.Offset);
        Assert.Equal(3, issue.Length);
        Assert.Contains("foo", issue.Message);
    }

    [Theory]
    [InlineData("a +\n  * b", "*")]
    [InlineData("a +\r\n  b +\r\n    ) + c", ")")]
    [InlineData("x.filter(l =>\n  l.ok\n) #", "#")]
    public void SyntaxErrorOffsetMultiLine(string code, string offending)
    {
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze(code).Issues);
        Assert.Equal(code.IndexOf(offending, StringComparison.Ordinal), issue.Offset);
    }

    [Fact]
    public void OffsetsCountUtf16CodeUnits()
    {
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze("'\U0001F642' + @").Issues);
        Assert.Equal(7, issue.Offset);
        Assert.Equal(new[] { new FreeName("a", 7, 1) }, JavaScriptAnalyzer.Analyze("'\U0001F642' + a").FreeNames);
    }

    [Fact]
    public void UnterminatedTemplateReportsAtEnd()
    {
        const string code = "`abc ${x}";
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze(code).Issues);
        Assert.Equal(code.Length, issue.Offset);
        Assert.Equal(0, issue.Length);
    }

    [Theory]
    [InlineData("x = 1; y", 5)]
    [InlineData("errors > 0;", 10)]
    public void StatementsAreRejected(string code, int offset)
    {
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze(code).Issues);
        Assert.Contains("expected an expression", issue.Message);
        Assert.Equal(offset, issue.Offset);
    }

    [Fact]
    public void LetStatementIsRejected()
    {
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze("let x = 1").Issues);
        Assert.Contains("expected an expression", issue.Message);
        Assert.Contains("let", issue.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" // nothing\n")]
    public void EmptyExpressionIsRejected(string code)
    {
        var issue = Assert.Single(JavaScriptAnalyzer.Analyze(code).Issues);
        Assert.Contains("expected an expression", issue.Message);
    }

    [Fact]
    public void FreeNamesHaveExactOffsets()
    {
        const string code = "errors > max_errors";
        var names = JavaScriptAnalyzer.Analyze(code).FreeNames;
        Assert.Equal(new[] { new FreeName("errors", 0, 6), new FreeName("max_errors", 9, 10) }, names);
    }

    [Fact]
    public void EachOccurrenceIsReported()
    {
        const string code = "a + b * a +\n  a";
        var names = JavaScriptAnalyzer.Analyze(code).FreeNames;
        Assert.Equal(new[] { "a", "b", "a", "a" }, names.Select(n => n.Name));
        Assert.Equal(new[] { 0, 4, 8, 14 }, names.Select(n => n.Offset));
        Assert.All(names, n => Assert.Equal(1, n.Length));
    }

    [Fact]
    public void PropertyNamesAndObjectKeysAreNotFree()
    {
        const string code = "({ status: response.status, [key]: other.value, short })";
        Assert.Equal(new[] { "response", "key", "other", "short" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }

    [Fact]
    public void ComputedMemberIsFree()
    {
        var names = JavaScriptAnalyzer.Analyze("headers[name]").FreeNames;
        Assert.Equal(new[] { new FreeName("headers", 0, 7), new FreeName("name", 8, 4) }, names);
    }

    [Fact]
    public void ArrowParametersAreBound()
    {
        const string code = "stdout.split('\\n').filter(l => l.includes(needle)).map((x, i) => x + i).length";
        Assert.Equal(new[] { "stdout", "needle" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }

    [Fact]
    public void ArrowParameterDoesNotLeakOutOfTheArrow()
    {
        const string code = "items.map(l => l) + l";
        var names = JavaScriptAnalyzer.Analyze(code).FreeNames;
        Assert.Equal(new[] { new FreeName("items", 0, 5), new FreeName("l", 20, 1) }, names);
    }

    [Fact]
    public void DestructuringAndDefaultsAreBound()
    {
        const string code = "items.map(({ a, b: { c }, ...rest }, [d, , e = fallback], f = d) => a + c + d + e + f + rest.length + g)";
        Assert.Equal(new[] { "items", "fallback", "g" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }

    [Fact]
    public void DeclarationsInsideArrowBodiesAreBound()
    {
        const string code = "items.reduce((acc, x) => { const y = x * 2; let z = y; var w = z; if (w) { var hoisted = 1; } try { q(); } catch (err) { return err.message + hoisted; } return acc + w + outer; }, 0)";
        Assert.Equal(new[] { "items", "q", "outer" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }

    [Fact]
    public void BlockScopedNamesDoNotLeak()
    {
        const string code = "(() => { { let inner = 1; } return inner; })()";
        var names = JavaScriptAnalyzer.Analyze(code).FreeNames;
        Assert.Equal(new[] { new FreeName("inner", code.LastIndexOf("inner", StringComparison.Ordinal), 5) }, names);
    }

    [Fact]
    public void FunctionExpressionNameAndArgumentsAreBound()
    {
        const string code = "(function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) + arguments.length; })(k)";
        Assert.Equal(new[] { "k" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }

    [Fact]
    public void StandardGlobalsAreNotFree()
    {
        const string code = "Math.max(a, parseInt(b, 10)) + JSON.stringify(c) + (d === undefined) + Number.isNaN(NaN) + new Map().size + globalThis.x";
        Assert.Equal(new[] { "a", "b", "c", "d" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }

    [Fact]
    public void EvalIsNotAStandardGlobal()
    {
        // Refused as code from a string (PB3201), not reported again as an unknown name.
        var analysis = JavaScriptAnalyzer.Analyze("eval('1')");
        Assert.Empty(Names(analysis));
        Assert.Equal(ExpressionIssueKind.Refused, Assert.Single(analysis.Issues).Kind);
    }

    [Fact]
    public void TemplateLiteralExpressionsAreFree()
    {
        const string code = "`host ${host}:${port} ok`";
        var names = JavaScriptAnalyzer.Analyze(code).FreeNames;
        Assert.Equal(new[] { new FreeName("host", 8, 4), new FreeName("port", 16, 4) }, names);
    }

    [Fact]
    public void OptionalChainingReadsOnlyTheRoot()
    {
        Assert.Equal(new[] { "response" }, Names(JavaScriptAnalyzer.Analyze("response?.json?.items?.length > 0")));
    }

    [Fact]
    public void MultiLineFreeNameOffsets()
    {
        const string code = "a &&\r\n  b.c &&\n\tcount";
        var names = JavaScriptAnalyzer.Analyze(code).FreeNames;
        Assert.Equal(new[] { new FreeName("a", 0, 1), new FreeName("b", 8, 1), new FreeName("count", 16, 5) }, names);
    }

    [Fact]
    public void ClassMembersAreNotFree()
    {
        const string code = "new (class K { field = seed; method() { return this.field + K.name; } })().method()";
        Assert.Equal(new[] { "seed" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }

    [Fact]
    public void LabelsAreNotFree()
    {
        const string code = "(() => { outer: for (const x of xs) { for (let i = 0; i < x; i++) { if (i) break outer; } } return 1; })()";
        Assert.Equal(new[] { "xs" }, Names(JavaScriptAnalyzer.Analyze(code)));
    }
}
