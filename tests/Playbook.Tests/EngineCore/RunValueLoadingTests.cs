using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Syntax;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.EngineCore;

/// <summary>The expression runtimes get a run's values once and then only what changed: an expression must
/// not be able to change what the next one reads, the items of a foreach must each read their own values,
/// and a run must cost lets + changes, not lets × changes (a playbook of 100 000 lets re-sent every value
/// at every change and took minutes to simulate).</summary>
public class RunValueLoadingTests
{
    // Every expression the tests evaluate, placed where the checker lets it read its names.
    private static string Body(string language) => $$"""
        expressions {{language}}
        input ids : list = ["a", "b"]
        let x = 1
        let items = [3, 1, 2]
        foreach move-each {
          each id in `ids`
          step move { shell "x" timeout 1m  capture moved = `id`  capture seen = `{{(language == "csharp" ? "moved == null ? \"none\" : (string)moved" : "typeof moved === 'undefined' ? 'none' : moved")}}` }
          on ok   -> check
          on fail -> failed
        }
        decide check {
          when `{{(language == "csharp" ? "x == 1 && (long)items[0] == 3" : "x == 1 && items[0] === 3")}}` -> done
          else -> failed
        }
        end done success
        end failed failure
        """;

    private static CompiledExpression Expression(CompiledPlaybook playbook, string code)
    {
        var syntax = playbook.Expressions.Select((e, id) => (e, id)).Single(p => p.e.Code == code);
        return new CompiledExpression(syntax.id, code, syntax.e.Language ?? playbook.DefaultLanguage, syntax.e);
    }

    private static (CompiledPlaybook Playbook, RunScope Scope, JavaScriptRuntime JavaScript, ExpressionRuntime Runtime) NewRun(string language)
    {
        var playbook = Compile(Body(language));
        var javaScript = new JavaScriptRuntime();
        var runtime = new ExpressionRuntime(playbook, javaScript);
        var scope = new RunScope(runtime);
        scope.Set("ids", new List<object?> { "a", "b" });
        scope.Set("x", 1L);
        scope.Set("items", new List<object?> { 3L, 1L, 2L });
        return (playbook, scope, javaScript, runtime);
    }

    [Theory]
    [InlineData("javascript")]
    [InlineData("csharp")]
    public void Each_item_reads_its_own_values_however_often_the_runtime_switches_between_items(string language)
    {
        var (playbook, scope, _, _) = NewRun(language);
        var id = Expression(playbook, "id");
        var seen = Expression(playbook, playbook.Expressions.Single(e => e.Code.Contains("none")).Code);
        var a = scope.ForItem();
        var b = scope.ForItem();
        a.Set("id", "a");
        b.Set("id", "b");
        Assert.Equal("a", a.Evaluate(id));
        Assert.Equal("b", b.Evaluate(id));
        Assert.Equal("a", a.Evaluate(id));
        // b's capture is b's alone: a, evaluated right after b, does not see it.
        b.Capture("moved", "from-b");
        Assert.Equal("from-b", b.Evaluate(seen));
        Assert.Equal("none", a.Evaluate(seen));
        a.Capture("moved", "from-a");
        Assert.Equal("from-a", a.Evaluate(seen));
        Assert.Equal("from-b", b.Evaluate(seen));
        // A capture dropped before the next item is gone for every expression, not left behind in the runtime.
        b.Forget("moved");
        Assert.Equal("none", b.Evaluate(seen));
        // The run's own values reach the items when they change, and the items' values never reach the run.
        var check = Expression(playbook, playbook.Expressions.Single(e => e.Code.StartsWith("x == 1", StringComparison.Ordinal)).Code);
        Assert.Equal(true, a.Evaluate(check));
        scope.Set("x", 2L);
        Assert.Equal(false, a.Evaluate(check));
        Assert.Equal(false, scope.Evaluate(check));
        Assert.Equal("none", scope.Evaluate(seen));
    }

    [Fact]
    public void A_javascript_expression_cannot_change_a_run_value_for_the_next_one()
    {
        string[] attempts = ["(x = 5) == 0", "items.sort()[0] === 0", "items.push(4) > 0", "(globalThis.later = 1) > 0"];
        var playbook = Compile(Body("javascript").Replace("else -> failed",
            string.Concat(attempts.Select(a => $"when `{a}` -> done\n")) + "when `globalThis.later === 1` -> done\nelse -> failed"));
        var check = Expression(playbook, "x == 1 && items[0] === 3");
        var runtime = new ExpressionRuntime(playbook);
        var scope = new RunScope(runtime);
        scope.Set("x", 1L);
        scope.Set("items", new List<object?> { 3L, 1L, 2L });
        // Each is an attempt to leave something behind for the next expression: each fails, saying why, and
        // the next expression (on the same runtime, with no change in between) reads the run's values.
        foreach (var code in attempts)
        {
            Assert.Equal(true, scope.Evaluate(check));
            var failure = Assert.Throws<ExpressionFailedException>(() => scope.Evaluate(Expression(playbook, code)));
            Assert.Matches("read-only|read only|not extensible", failure.Message);
            Assert.Equal(true, scope.Evaluate(check));
        }
        Assert.Equal(false, scope.Evaluate(Expression(playbook, "globalThis.later === 1")));
    }

    [Fact]
    public void A_cleared_scope_leaves_nothing_of_the_previous_run_behind()
    {
        var (playbook, scope, _, _) = NewRun("javascript");
        var seen = Expression(playbook, playbook.Expressions.Single(e => e.Code.Contains("none")).Code);
        scope.Capture("moved", "run-1");
        Assert.Equal("run-1", scope.Evaluate(seen));
        // The next run (simulate --runs) reuses the scope: a capture of run 1 must not be read in run 2.
        scope.Clear();
        scope.Set("x", 1L);
        Assert.Equal("none", scope.Evaluate(seen));
    }

    [Theory]
    [InlineData("javascript")]
    [InlineData("csharp")]
    public void A_run_sends_each_change_once_not_every_value_at_every_change(string language)
    {
        const int Lets = 3_000;
        var (playbook, scope, javaScript, runtime) = NewRun(language);
        var check = Expression(playbook, playbook.Expressions.Single(e => e.Code.StartsWith("x == 1", StringComparison.Ordinal)).Code);
        // As a run of many lets does: set one, evaluate the next, thousands of times.
        for (var i = 0; i < Lets; i++)
        {
            scope.Set("v" + i, (long)i);
            Assert.Equal(true, scope.Evaluate(check));
        }
        // Re-sending everything at every change would be Lets² / 2 = 4.5 million values; sending each change once,
        // 3 000. The guard reads x and items, and no change touches them: those two are sent once.
        var sent = language == "csharp" ? runtime.CSharp!.ValuesSent : javaScript.ValuesSent;
        Assert.InRange(sent, 2, 4);
        if (language == "csharp") Assert.Equal(1, runtime.CSharp!.FullLoads);
    }

    [Fact]
    public void The_next_run_sends_only_the_values_that_differ_from_the_last_run()
    {
        const int Lets = 2_000;
        var (playbook, scope, javaScript, _) = NewRun("javascript");
        var check = Expression(playbook, "x == 1 && items[0] === 3");
        void OneRun(long x, long head = 3)
        {
            scope.Clear();
            scope.Set("x", x);
            scope.Set("items", new List<object?> { head, 1L, 2L });
            for (var i = 0; i < Lets; i++) scope.Set("v" + i, (long)i);
        }
        OneRun(1);
        Assert.Equal(true, scope.Evaluate(check));
        var first = javaScript.ValuesSent;
        // simulate --runs clears the scope and sets the same lets again: only x (changed) is sent, and the
        // changed x is read; the list, a new .NET list with the same items, is not sent again.
        OneRun(2);
        Assert.Equal(false, scope.Evaluate(check));
        Assert.Equal(1, javaScript.ValuesSent - first);
        OneRun(1);
        Assert.Equal(true, scope.Evaluate(check));
        // A list whose items changed is sent again and read as it is now.
        OneRun(1, head: 4);
        Assert.Equal(false, scope.Evaluate(check));
        OneRun(1);
        Assert.Equal(true, scope.Evaluate(check));
    }

    [Fact]
    public void A_list_changed_in_place_between_runs_is_read_as_it_is_now()
    {
        var (playbook, scope, _, _) = NewRun("javascript");
        var check = Expression(playbook, "x == 1 && items[0] === 3");
        var items = new List<object?> { 3L, 1L, 2L };
        void OneRun()
        {
            scope.Clear();
            scope.Set("x", 1L);
            scope.Set("items", items);
        }
        OneRun();
        Assert.Equal(true, scope.Evaluate(check));
        // The same .NET list, changed in place: what was sent is not taken as still current.
        items[0] = 5L;
        OneRun();
        Assert.Equal(false, scope.Evaluate(check));
        // 3 (long) and 3.0 (double) read alike in JavaScript; what matters is that the value read is the current one.
        items[0] = 3.0;
        OneRun();
        Assert.Equal(true, scope.Evaluate(check));
    }

    [Fact]
    public void A_renewed_scope_starts_the_next_run_as_a_cleared_one_would_and_sends_only_what_changed()
    {
        const int Lets = 2_000;
        var (playbook, scope, javaScript, _) = NewRun("javascript");
        var seen = Expression(playbook, playbook.Expressions.Single(e => e.Code.Contains("none")).Code);
        var check = Expression(playbook, "x == 1 && items[0] === 3");
        for (var i = 0; i < Lets; i++) scope.Set("v" + i, (long)i);
        scope.EndPrologue();
        // Run 1 captures, walks a foreach item and drops it again, as the engine does.
        scope.Capture("moved", "run-1");
        scope.Set("id", "a");
        Assert.Equal("run-1", scope.Evaluate(seen));
        Assert.Equal(true, scope.Evaluate(check));
        var afterRun1 = javaScript.ValuesSent;

        // Run 2 renews instead of clearing: what run 1 set after its prologue is gone (dropped and reported),
        // what the prologue set is still read, and only the dropped names reach the runtime again.
        Assert.True(scope.CanRenew);
        var dropped = scope.Renew();
        Assert.Equal(new[] { "id", "moved" }, dropped.Order(StringComparer.Ordinal));
        scope.Set("x", 1L); // the prologue sets its inputs again: the same value is no change
        scope.EndPrologue();
        Assert.Equal("none", scope.Evaluate(seen));
        Assert.Equal(true, scope.Evaluate(check));
        Assert.InRange(javaScript.ValuesSent - afterRun1, 0, 4);

        // A changed input in the renewed run is read as it is now.
        Assert.Equal(new string[0], scope.Renew().ToArray());
        scope.Set("x", 2L);
        scope.EndPrologue();
        Assert.Equal(false, scope.Evaluate(check));
        // A renewed scope that never ended its prologue (a let failed) cannot be renewed again: the engine clears it.
        scope.Renew();
        Assert.False(scope.CanRenew);
    }

    [Fact]
    public async Task Simulating_a_playbook_of_many_constant_lets_sends_them_once_not_once_per_run()
    {
        const int Lets = 2_000;
        var source = Body("javascript").Replace("let x = 1", "let x = 1\n" + string.Concat(Enumerable.Range(0, Lets).Select(i => $"let v{i} = {i}\n")));
        var playbook = Compile(source);
        var random = new Random(1);
        var engine = new PlaybookEngine(playbook, new Playbook.Simulation.SimulationRunner(new Playbook.Simulation.SimulationScript(), (_, _) => null, random), random);
        var javaScript = engine.Expressions.JavaScript;
        var parameters = new Dictionary<string, object?> { ["ids"] = new List<object?> { "a", "b" } };
        var first = await engine.RunAsync(new VirtualClock(), parameters);
        var once = javaScript.ValuesSent;
        // The run's expressions read x, items, ids, id, moved and seen: no let is sent that none of them reads.
        Assert.InRange(once, 1, 20);
        for (var run = 0; run < 20; run++)
        {
            var next = await engine.RunAsync(new VirtualClock(), parameters);
            Assert.Equal(first.End, next.End);
            Assert.Equal(first.Path, next.Path);
        }
        // Twenty more runs send what each run changes and an expression reads (the item, the captures), not the
        // lets, and none of them walks every let to find that out.
        Assert.InRange(javaScript.ValuesSent - once, 0, 20 * 20);
        Assert.Equal(0, javaScript.FullLoads);
        Assert.InRange(javaScript.NamesChecked, 1, 21 * 20);
    }
}
