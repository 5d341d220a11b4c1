using System.Diagnostics;
using Playbook.EngineCore;
using Playbook.Tests.EngineCore;
using Xunit;

namespace Playbook.Tests.Guards;

/// <summary>Issue 10 §3, in-process: a guard that loops, allocates, backtracks or builds a deep value fails
/// with a note naming the limit, in a bounded time, instead of hanging or killing the run. (Recursion, which
/// could kill the test host if it regressed, is tested through the CLI in <see cref="GuardLimitCliTests"/>.)</summary>
public sealed class GuardLimitTests
{
    private static async Task<RunResult> Guard(string language, string guard)
    {
        var playbook = EngineTestKit.Compile($$"""
            expressions {{language}}
            decide d { when `{{guard}}` -> yes else -> no }
            end yes success "y"
            end no failure "n"
            """);
        return await EngineTestKit.Run(playbook);
    }

    private static async Task<string> Aborted(string language, string guard, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        var result = await Guard(language, guard);
        watch.Stop();
        Assert.Equal(RunStatus.Aborted, result.Status);
        Assert.True(watch.Elapsed < within, $"took {watch.Elapsed}");
        return result.Reason!;
    }

    [Fact]
    public async Task A_CSharp_infinite_loop_stops_at_the_time_limit()
    {
        var reason = await Aborted("csharp", "Enumerable.Range(0, 1).Select(i => { while (true) { } return i; }).Sum() > 0", TimeSpan.FromSeconds(10));
        Assert.Contains("the expression ran longer than 2000 ms", reason);
    }

    [Fact]
    public async Task A_CSharp_catch_cannot_swallow_the_limit()
    {
        var reason = await Aborted("csharp",
            "((Func<int>)(() => { try { for (;;) { } } catch (Exception) { return 1; } }))() == 1", TimeSpan.FromSeconds(10));
        Assert.Contains("ran longer than 2000 ms", reason);
    }

    [Fact]
    public async Task A_CSharp_goto_loop_stops_at_the_time_limit()
    {
        var reason = await Aborted("csharp", "((Func<int>)(() => { var n = 0; again: n++; goto again; }))() == 1", TimeSpan.FromSeconds(10));
        Assert.Contains("ran longer than 2000 ms", reason);
    }

    [Fact]
    public async Task A_CSharp_guard_that_allocates_too_much_fails()
    {
        var reason = await Aborted("csharp", "Enumerable.Range(0, 100).Select(i => new string('x', 1_000_000)).Count() > 0", TimeSpan.FromSeconds(10));
        Assert.Contains("allocated more than 16 MB", reason);
    }

    [Fact]
    public async Task One_impossible_CSharp_allocation_fails_the_guard_not_the_process()
    {
        var reason = await Aborted("csharp", "new string('x', int.MaxValue / 2).Length > 0", TimeSpan.FromSeconds(10));
        Assert.Contains("ran out of memory", reason);
    }

    [Theory]
    [InlineData("Regex.IsMatch(new string('a', 40) + \"!\", \"^(a+)+$\")")]
    [InlineData("new Regex(\"^(a+)+$\", RegexOptions.None, Regex.InfiniteMatchTimeout).IsMatch(new string('a', 40) + \"!\")")]
    [InlineData("Regex.IsMatch(input: new string('a', 40) + \"!\", pattern: \"^(a+)+$\", options: RegexOptions.None, matchTimeout: TimeSpan.FromHours(1))")]
    public async Task A_catastrophic_CSharp_regex_times_out_below_the_expression_limit(string guard)
    {
        var reason = await Aborted("csharp", guard, TimeSpan.FromSeconds(10));
        Assert.Contains("timed out", reason);
        Assert.DoesNotContain("2000 ms", reason);
    }

    [Fact]
    public async Task A_CSharp_framework_call_that_outlives_the_limit_is_given_up_on_time()
    {
        // No lambda, no loop of its own: nothing in it can check the budget, so the caller stops waiting.
        var reason = await Aborted("csharp", "Enumerable.Repeat(1L, int.MaxValue).Concat(Enumerable.Repeat(1L, int.MaxValue)).LongCount() > 0", TimeSpan.FromSeconds(6));
        Assert.Contains("ran longer than 2000 ms", reason);
    }

    private static async Task<string> LetFails(string language, string value)
    {
        var playbook = EngineTestKit.Compile($$"""
            expressions {{language}}
            let deep = `{{value}}`
            decide d { when `deep != null` -> yes else -> no }
            end yes success "y"
            end no failure "n"
            """);
        var result = await EngineTestKit.Run(playbook);
        Assert.Equal(RunStatus.Aborted, result.Status);
        return result.Reason!;
    }

    [Fact]
    public async Task A_CSharp_value_nested_too_deep_or_too_large_fails()
    {
        Assert.Contains("nested more than 256 deep",
            await LetFails("csharp", "Enumerable.Range(0, 40000).Aggregate((object)new List<object>(), (a, i) => new List<object> { a })"));
        var shared = await LetFails("csharp", "Enumerable.Range(0, 40).Aggregate((object)new List<object>(), (a, i) => new List<object> { a, a })");
        Assert.True(shared.Contains("holds more than 1,000,000 items"), shared);
    }

    [Fact]
    public async Task CSharp_guards_within_their_limits_still_work()
    {
        var result = await Guard("csharp", "Enumerable.Range(0, 1000).Where(i => Regex.IsMatch(i.ToString(), \"^1\")).Count() == 111 && ((Func<int, int>)(n => { var s = 0; for (var i = 0; i < n; i++) s += i; return s; }))(10) == 45");
        Assert.Equal("yes", result.End);
    }

    [Fact]
    public async Task JavaScript_cannot_build_code_from_a_computed_key_at_run_time()
    {
        var reason = await Aborted("javascript", "[][\"constr\" + \"uctor\"][\"constr\" + \"uctor\"](\"return 1\")() === 1", TimeSpan.FromSeconds(10));
        Assert.Contains("String compilation has been disabled", reason);
    }

    [Fact]
    public async Task JavaScript_prototype_pollution_does_not_reach_the_next_expression()
    {
        var playbook = EngineTestKit.Compile("""
            let a = `(() => { try { Object.prototype.polluted = 1 } catch (e) {} try { Array.prototype.includes = () => true } catch (e) {} try { Math = null } catch (e) {} return 1 })()`
            decide d { when `({}).polluted === undefined && ![].includes(1) && Math.max(1, 2) === 2` -> yes else -> no }
            end yes success "y"
            end no failure "n"
            """);
        var result = await EngineTestKit.Run(playbook);
        Assert.Equal("yes", result.End);
    }

    [Fact]
    public async Task A_catastrophic_JavaScript_regex_times_out_below_the_expression_limit()
    {
        var reason = await Aborted("javascript", "/^(a+)+$/.test(\"a\".repeat(40) + \"!\")", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("2000 ms", reason);
        Assert.Contains("timed out", reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(40000)]
    public async Task A_JavaScript_value_nested_too_deep_fails(int depth)
    {
        Assert.Contains("nested more than 256 deep",
            await LetFails("javascript", $"(() => {{ let v = []; for (let i = 0; i < {depth}; i++) v = [v]; return v }})()"));
    }

    [Fact]
    public async Task A_JavaScript_value_that_shares_its_parts_cannot_blow_up()
    {
        Assert.Contains("holds more than 1,000,000 items",
            await LetFails("javascript", "(() => { let v = []; for (let i = 0; i < 40; i++) v = [v, v]; return v })()"));
    }
}
