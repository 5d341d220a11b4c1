using Playbook.Expressions;
using Xunit;

namespace Playbook.Tests.Expressions;

public class CSharpAnalyzerTests
{
    private static readonly CSharpGlobal[] Globals =
    {
        new("errors", "long"),
        new("max_errors", "long"),
        new("stdout", "string"),
        new("ratio", "double"),
        new("ok", "bool"),
        new("elapsed", "System.TimeSpan"),
        new("data", "dynamic"),
        new("response", "Response"),
    };

    private static ExpressionAnalysis One(string code) => Assert.Single(CSharpAnalyzer.AnalyzeAll(Globals, new[] { code }));

    private static ExpressionIssue SingleForbidden(string code)
    {
        var analysis = One(code);
        return Assert.Single(analysis.Issues, i => i.Kind == ExpressionIssueKind.Forbidden);
    }

    [Theory]
    [InlineData("stdout.Trim().ToUpperInvariant().Contains(\"ERROR\")")]
    [InlineData("Math.Max(errors, max_errors) * ratio")]
    [InlineData("new[] { 1, 2, 3 }.Where(x => x > 1).Select(x => x * 2).Sum()")]
    [InlineData("stdout.Split('\\n').Count(l => l.Contains(\"error\")) > max_errors")]
    [InlineData("Regex.IsMatch(stdout, @\"^\\d+$\")")]
    [InlineData("elapsed + TimeSpan.FromSeconds(30) > TimeSpan.FromMinutes(1)")]
    [InlineData("errors > max_errors && ok")]
    [InlineData("data.count > 3")]
    [InlineData("response.status == 200 && response.json.items.Count > 0 && response.headers[\"x\"] == \"y\"")]
    [InlineData("response.body.Length")]
    [InlineData("string.Join(\",\", new List<string> { stdout }.OrderBy(s => s))")]
    [InlineData("int.Parse(\"42\", CultureInfo.InvariantCulture) + new StringBuilder(\"a\").Length")]
    [InlineData("stdout.Split('\\n').Select(l => { var t = l.Trim(); return t.Length; }).Max()")]
    [InlineData("$\"{errors} errors in {elapsed.TotalSeconds:F1}s\"")]
    public void PureCodeIsAccepted(string code)
    {
        var analysis = One(code);
        Assert.Empty(analysis.Issues);
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText(\"/etc/passwd\")", "File", "file system")]
    [InlineData("File.ReadAllText(\"/etc/passwd\")", "File", "file system")]
    [InlineData("System.Diagnostics.Process.Start(\"rm\")", "Process", "processes")]
    [InlineData("Process.Start(\"rm\")", "Process", "processes")]
    [InlineData("Environment.GetEnvironmentVariable(\"HOME\")", "Environment", "environment")]
    [InlineData("typeof(string).Assembly", "typeof(string)", "reflection")]
    [InlineData("stdout.GetType()", "GetType", "reflection")]
    [InlineData("new System.Net.Http.HttpClient()", "HttpClient", "network")]
    [InlineData("System.Threading.Thread.Sleep(100)", "Thread", "threads", 17)]
    [InlineData("Thread.Sleep(100)", "Thread", "threads")]
    [InlineData("System.Threading.Tasks.Task.Delay(1)", "Task", "threads", 23)]
    [InlineData("Console.WriteLine(stdout)", "Console", "console")]
    [InlineData("GC.Collect()", "GC", "garbage collector")]
    [InlineData("Activator.CreateInstance<object>()", "Activator", "reflection")]
    [InlineData("AppDomain.CurrentDomain", "AppDomain", "application domain")]
    [InlineData("System.Runtime.InteropServices.Marshal.AllocHGlobal(4)", "Marshal", "native interop")]
    [InlineData("System.Reflection.Assembly.GetExecutingAssembly()", "Assembly", "reflection")]
    [InlineData("data.GetType()", "GetType", "reflection")]
    [InlineData("response.json.Assembly", "Assembly", "reflection")]
    [InlineData("new Func<int>(() => 1).Method", "Method", "reflection")]
    [InlineData("stackalloc int[3].Length", "stackalloc int[3]", "unsafe")]
    [InlineData("__makeref(errors)", "__makeref(errors)", "unsafe")]
    [InlineData("(int*)0", "int*", "unsafe")]
    [InlineData("new Func<int>(() => { unsafe { return 1; } })()", "unsafe { return 1; }", "unsafe")]
    [InlineData("new Func<System.Threading.Tasks.Task<int>>(async () => await System.Threading.Tasks.Task.FromResult(1))", "Task<int>", "threads")]
    [InlineData("new Func<int>(() => { Regex.CacheSize = 0; return 1; })()", "Regex.CacheSize = 0", "static state")]
    [InlineData("Enum.GetValues(typeof(DayOfWeek))", "GetValues", "reflection")]
    [InlineData("Enum.GetValues<DayOfWeek>().Length + typeof(DayOfWeek).Name.Length", "typeof(DayOfWeek)", "reflection")]
    public void ImpureCodeIsRefused(string code, string offending, string reach, int offset = -1)
    {
        var forbidden = One(code).Issues.Where(i => i.Kind == ExpressionIssueKind.Forbidden).ToList();
        Assert.NotEmpty(forbidden);
        var first = forbidden[0];
        Assert.Equal(offset >= 0 ? offset : code.IndexOf(offending, StringComparison.Ordinal), first.Offset);
        Assert.Equal(offending.Length, first.Length);
        Assert.Contains('|', first.Message);
        Assert.Contains(reach, first.Message.Split('|')[1], StringComparison.OrdinalIgnoreCase);
    }

    // A run value is sent to the program only when the run changes it, so an expression that assigned one
    // would change what every later expression reads: assignment in any form is refused.
    [Theory]
    [InlineData("(errors = 5) > 0", "errors = 5")]
    [InlineData("(max_errors += 1) > 0", "max_errors += 1")]
    [InlineData("errors++ > 0", "errors++")]
    [InlineData("--errors > 0", "--errors")]
    [InlineData("(stdout ??= \"x\").Length", "stdout ??= \"x\"")]
    [InlineData("long.TryParse(\"1\", out errors)", "out errors")]
    [InlineData("new Func<bool>(() => { ok = true; return ok; })()", "ok = true")]
    [InlineData("((errors, ratio) = (1, 2.0)).Item1 > 0", "(errors, ratio) = (1, 2.0)")]
    [InlineData("(data = null) == null", "data = null")]
    public void AssigningARunValueIsRefused(string code, string offending)
    {
        var issue = SingleForbidden(code);
        Assert.Equal(code.IndexOf(offending, StringComparison.Ordinal), issue.Offset);
        Assert.Equal(offending.Length, issue.Length);
        Assert.Contains("run value", issue.Message.Split('|')[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("new Func<long>(() => { var e = errors; e++; e += 2; return e; })() > 0")]
    [InlineData("long.TryParse(stdout, out var n) && n > errors")]
    [InlineData("new Func<double>(() => { double r; r = ratio * 2; return r; })()")]
    public void AssigningLocalsStaysAllowed(string code) => Assert.Empty(One(code).Issues);

    [Fact]
    public void ForbiddenMessageNamesTheSymbolAndWhatItReaches()
    {
        var issue = SingleForbidden("System.IO.File.ReadAllText(stdout)");
        Assert.Equal("System.IO.File|the file system (System.IO)", issue.Message);
    }

    [Fact]
    public void AwaitIsRefused()
    {
        const string code = "((Func<object>)(async () => await data))";
        var issue = SingleForbidden(code);
        Assert.StartsWith("await|", issue.Message, StringComparison.Ordinal);
        Assert.Equal(code.IndexOf("await data", StringComparison.Ordinal), issue.Offset);
        Assert.Equal("await data".Length, issue.Length);
    }

    [Fact]
    public void ErrorsMapToTheRightExpressionAndOffset()
    {
        var expressions = new[]
        {
            "errors > max_errors",
            "stdout.Length + ok",
            "ratio > 0.5",
            "stdout.NoSuchMethod()",
        };
        var results = CSharpAnalyzer.AnalyzeAll(Globals, expressions);
        Assert.Equal(4, results.Count);
        Assert.Empty(results[0].Issues);
        Assert.Empty(results[2].Issues);

        var plus = Assert.Single(results[1].Issues);
        Assert.Equal(ExpressionIssueKind.Error, plus.Kind);
        Assert.Equal(0, plus.Offset);
        Assert.Equal(expressions[1].Length, plus.Length);
        Assert.Contains("+", plus.Message);
        Assert.DoesNotContain("CS0019", plus.Message);

        var missing = Assert.Single(results[3].Issues);
        Assert.Equal(expressions[3].IndexOf("NoSuchMethod", StringComparison.Ordinal), missing.Offset);
        Assert.Equal("NoSuchMethod".Length, missing.Length);
        Assert.Contains("NoSuchMethod", missing.Message);
    }

    [Fact]
    public void MultiLineErrorOffsetsAreExact()
    {
        var expressions = new[]
        {
            "ok",
            "stdout\r\n  .Split('\\n')\n  .Where(l => l.Lenght > 0)\n  .Count()",
        };
        var results = CSharpAnalyzer.AnalyzeAll(Globals, expressions);
        Assert.Empty(results[0].Issues);
        var issue = Assert.Single(results[1].Issues);
        Assert.Equal(expressions[1].IndexOf("Lenght", StringComparison.Ordinal), issue.Offset);
        Assert.Equal(6, issue.Length);
    }

    [Fact]
    public void SyntaxErrorsAreReportedPerExpressionWithoutBreakingOthers()
    {
        var expressions = new[]
        {
            "errors > ",
            "errors) + (max_errors",
            "unknown_one > 1",
            "  ",
        };
        var results = CSharpAnalyzer.AnalyzeAll(Globals, expressions);
        var first = Assert.Single(results[0].Issues);
        Assert.Equal(ExpressionIssueKind.Error, first.Kind);
        Assert.InRange(first.Offset, 8, 9);

        var stray = Assert.Single(results[1].Issues);
        Assert.Equal(6, stray.Offset);
        Assert.Equal(1, stray.Length);
        Assert.Contains("')'", stray.Message);

        Assert.Empty(results[2].Issues);
        Assert.Equal(new[] { new FreeName("unknown_one", 0, 11) }, results[2].FreeNames);

        Assert.Contains("expected an expression", Assert.Single(results[3].Issues).Message);
    }

    [Fact]
    public void PreprocessorDirectivesAreRejected()
    {
        var results = CSharpAnalyzer.AnalyzeAll(Globals, new[] { "1\n#if false\n+ 2\n#endif", "ok" });
        Assert.Contains("preprocessor", Assert.Single(results[0].Issues).Message);
        Assert.Empty(results[1].Issues);
    }

    [Fact]
    public void UnknownNamesBecomeFreeNames()
    {
        const string code = "retries > limit && retries < 10";
        var analysis = One(code);
        Assert.Empty(analysis.Issues);
        Assert.Equal(new[]
        {
            new FreeName("retries", 0, 7),
            new FreeName("limit", 10, 5),
            new FreeName("retries", 19, 7),
        }, analysis.FreeNames);
    }

    [Fact]
    public void GlobalsAreReportedAsFreeNamesButLambdaParametersAndMembersAreNot()
    {
        const string code = "stdout.Split('\\n').Count(l => l.Length > errors) + response.status";
        var analysis = One(code);
        Assert.Empty(analysis.Issues);
        Assert.Equal(new[]
        {
            new FreeName("stdout", 0, 6),
            new FreeName("errors", code.IndexOf("errors", StringComparison.Ordinal), 6),
            new FreeName("response", code.IndexOf("response", StringComparison.Ordinal), 8),
        }, analysis.FreeNames);
    }

    [Fact]
    public void ResultsAreParallelToExpressions()
    {
        var results = CSharpAnalyzer.AnalyzeAll(Globals, new[] { "ok", "File.Exists(stdout)", "nope" });
        Assert.Equal(3, results.Count);
        Assert.Empty(results[0].Issues);
        Assert.Equal(ExpressionIssueKind.Forbidden, Assert.Single(results[1].Issues).Kind);
        Assert.Equal("nope", Assert.Single(results[2].FreeNames).Name);
    }

    [Fact]
    public void NoResponseTypeWithoutResponseGlobal()
    {
        var results = CSharpAnalyzer.AnalyzeAll(new[] { new CSharpGlobal("n", "long") }, new[] { "n + 1", "response.status" });
        Assert.Empty(results[0].Issues);
        Assert.Equal("response", Assert.Single(results[1].FreeNames).Name);
    }

    [Fact]
    public void MessagesDoNotMentionTheGeneratedClass()
    {
        var issue = Assert.Single(One("this.nothing").Issues);
        Assert.DoesNotContain("__", issue.Message);
        Assert.Equal(5, issue.Offset);
    }

    [Fact]
    public void WarmUpDoesNotChangeResults()
    {
        CSharpAnalyzer.WarmUpInBackground();
        Assert.Equal(new[] { "errors" }, One("errors + 1").FreeNames.Select(n => n.Name));
    }

    [Fact]
    public void EmptyExpressionListGivesEmptyResult()
    {
        Assert.Empty(CSharpAnalyzer.AnalyzeAll(Globals, Array.Empty<string>()));
    }

    [Fact]
    public void VoidExpressionIsAnError()
    {
        var issue = Assert.Single(One("new List<int>().Clear()").Issues);
        Assert.Equal(ExpressionIssueKind.Error, issue.Kind);
        Assert.Equal(0, issue.Offset);
    }

    [Fact]
    public void ExpressionsOfOneShapeEachReportTheirOwnNamesAtTheirOwnPositions()
    {
        // The four share one shape (an unknown name, then the same code), so they are compiled once;
        // what each reports is still its own: its name, and positions shifted by that name's length.
        string[] codes = { "w1 + \"a\" * errors", "a_much_longer_name + \"a\" * errors", "@w3 + \"a\" * errors", "w4 + \"a\" * errors + Environment.ProcessorCount" };
        var results = CSharpAnalyzer.AnalyzeAll(Globals, codes);
        for (var i = 0; i < codes.Length; i++)
        {
            var code = codes[i];
            var name = code[..code.IndexOf(' ', StringComparison.Ordinal)];
            Assert.Equal(new[] { new FreeName(name.TrimStart('@'), 0, name.Length), new FreeName("errors", code.IndexOf("errors", StringComparison.Ordinal), 6) }, results[i].FreeNames);
            var error = Assert.Single(results[i].Issues, x => x.Kind == ExpressionIssueKind.Error);
            Assert.Equal(code.IndexOf("\"a\" * errors", StringComparison.Ordinal), error.Offset);
            Assert.Equal("\"a\" * errors".Length, error.Length);
            Assert.Contains("'*'", error.Message);
        }
        var forbidden = Assert.Single(results[3].Issues, x => x.Kind == ExpressionIssueKind.Forbidden);
        Assert.Equal(codes[3].IndexOf("Environment", StringComparison.Ordinal), forbidden.Offset);
        Assert.Equal("Environment".Length, forbidden.Length);
    }

    [Fact]
    public void AnUnknownNameUsedAsATypeIsNamedInItsOwnMessage()
    {
        // The compiler's message names a type it cannot find, so such expressions are not shared by shape.
        var results = CSharpAnalyzer.AnalyzeAll(Globals, new[] { "(w1)stdout", "(w22)stdout", "stdout is w333" });
        Assert.Contains("'w1'", Assert.Single(results[0].Issues).Message);
        Assert.Contains("'w22'", Assert.Single(results[1].Issues).Message);
        Assert.Contains("'w333'", Assert.Single(results[2].Issues).Message);
    }

    [Fact]
    public void NamesThatMeanSomethingAreNotSharedByShape()
    {
        // Math, File and a global bind to something, so w1 and they are not interchangeable.
        var results = CSharpAnalyzer.AnalyzeAll(Globals, new[] { "w1.Max(1, 2)", "Math.Max(1, 2)", "File.Exists(\"x\")", "errors.Max(1, 2)" });
        Assert.Equal("w1", Assert.Single(results[0].FreeNames).Name);
        Assert.Empty(results[1].Issues);
        Assert.Empty(results[1].FreeNames);
        Assert.Equal(ExpressionIssueKind.Forbidden, Assert.Single(results[2].Issues).Kind);
        Assert.Contains("Max", Assert.Single(results[3].Issues).Message);
    }
}
