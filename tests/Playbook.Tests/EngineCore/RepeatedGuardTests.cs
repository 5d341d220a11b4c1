using Playbook.EngineCore;
using Playbook.Simulation;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.EngineCore;

/// <summary>A 'when' that repeats an earlier condition is never taken (PB2022): the compiler leaves it out, so a
/// decision costs a run its distinct conditions, not its lines (a fuzzed 2 MB file repeating one 'when' 27 000 times
/// made <c>simulate --runs 200</c> take 18 s of CPU), and the figures are those of the file without the repeats.</summary>
public class RepeatedGuardTests
{
    private static string Body(int repeats) => $$"""
        input kind : string = "timeout"
        step probe { shell "x" timeout 1m capture n = `stdout.length` on ok -> route on fail -> failed
                     simulate { duration 1s..30s  fail 20%  outputs { stdout = "abc" } } }
        decide route {
          when `kind == 'dependency'` -> deps
        {{string.Concat(Enumerable.Repeat("  when `kind == 'dependency'`   -> deps\n", repeats))}}
          when `n > 2` -> done
          else -> failed
        }
        step deps { shell "y" timeout 1m on ok when `n > 1` -> done
        {{string.Concat(Enumerable.Repeat("  on ok when ` n > 1 ` -> failed\n", repeats))}}
          on ok -> failed  on fail -> failed }
        end done success
        end failed failure
        """;

    [Fact]
    public async Task Repeated_conditions_compile_to_one_transition_each_and_give_the_figures_of_the_file_without_them()
    {
        var plain = Compile(Body(0));
        var repeated = Compile(Body(2_000));
        Assert.Equal(3, repeated.ByName["route"].TransitionsFor("decide").Count);
        Assert.Equal(2, repeated.ByName["deps"].TransitionsFor("ok").Count);

        var values = new Dictionary<string, object?> { ["kind"] = "timeout" };
        var a = await new Simulator(plain, (_, _) => null).MonteCarloAsync(2_000, seed: 5, values, workers: 1);
        var b = await new Simulator(repeated, (_, _) => null).MonteCarloAsync(2_000, seed: 5, values, workers: 1);
        Assert.Equal((a.SuccessRate, a.P50, a.P99), (b.SuccessRate, b.P50, b.P99));
        Assert.True(a.SuccessRate is > 0.5 and < 1, $"success rate {a.SuccessRate}: the runs should differ");
        var deps = new Dictionary<string, object?> { ["kind"] = "dependency" };
        Assert.Equal((await new Simulator(plain, (_, _) => null).MonteCarloAsync(500, seed: 5, deps, workers: 1)).Ends,
            (await new Simulator(repeated, (_, _) => null).MonteCarloAsync(500, seed: 5, deps, workers: 1)).Ends);
    }
}
