using Playbook.EngineCore;
using Playbook.Simulation;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.EngineCore;

[Collection(Benchmarks.MeasuresTheWholeProcess.Name)]
public class MonteCarloStatisticsTests
{
    /// <summary>A step failing half its attempts with two retries recovers with probability
    /// 1 − 0.5³ = 0.875; 10 000 seeded runs must land within three standard deviations of it.</summary>
    [Fact]
    public async Task Fail_50_percent_with_two_retries_succeeds_seven_times_in_eight()
    {
        var playbook = Compile("""
            step flaky { shell "x" timeout 1m retry 2 backoff 1s  simulate { duration 1s..3s  fail 50% }  on ok -> done  on fail -> failed }
            end done success
            end failed failure
            """);
        var simulator = new Simulator(playbook, (_, _) => null);
        const int runs = 10_000;
        var result = await simulator.MonteCarloAsync(runs, seed: 2026, new Dictionary<string, object?>());
        const double p = 0.875;
        var sigma = Math.Sqrt(p * (1 - p) / runs);
        Assert.InRange(result.SuccessRate, p - 3 * sigma, p + 3 * sigma);
        Assert.Equal(runs, result.Ends.Values.Sum());
        Assert.Equal(result.Ends["done"], (int)Math.Round(result.SuccessRate * runs));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_figures_and_another_seed_does_not()
    {
        var playbook = Compile("""
            step flaky { shell "x" timeout 5m retry 3 backoff 2s x2 jitter  simulate { duration 10s..4m  fail 30% }  on ok -> done  on fail -> failed }
            end done success
            end failed failure
            """);
        var simulator = new Simulator(playbook, (_, _) => null);
        var a = await simulator.MonteCarloAsync(2_000, 11, new Dictionary<string, object?>());
        var b = await simulator.MonteCarloAsync(2_000, 11, new Dictionary<string, object?>());
        var c = await simulator.MonteCarloAsync(2_000, 12, new Dictionary<string, object?>());
        Assert.Equal((a.SuccessRate, a.P50, a.P90, a.P99, a.Max), (b.SuccessRate, b.P50, b.P90, b.P99, b.Max));
        Assert.Equal(a.SortedTimes, b.SortedTimes);
        Assert.NotEqual(a.SortedTimes, c.SortedTimes);
    }

    [Fact]
    public async Task Csharp_guards_compile_once_however_many_runs()
    {
        var playbook = Compile("""
            expressions csharp
            input limit : int = 3
            step count { shell "x" timeout 1m capture n = `stdout.Length` -> choose  on fail -> failed
                         simulate { duration 1s..2s  fail 10%  outputs { stdout = "abcd" } } }
            decide choose { when `n > limit` -> done  else -> failed }
            end done success
            end failed failure
            """);
        var simulator = new Simulator(playbook, (_, _) => null);
        await simulator.MonteCarloAsync(10, 1, new Dictionary<string, object?> { ["limit"] = 3L });
        var compiled = CSharpRuntime.CompiledCountFor(playbook);
        Assert.Equal(1, compiled);
        var assemblies = AppDomain.CurrentDomain.GetAssemblies().Length;
        var result = await simulator.MonteCarloAsync(3_000, 2, new Dictionary<string, object?> { ["limit"] = 3L });
        Assert.Equal(compiled, CSharpRuntime.CompiledCountFor(playbook));
        Assert.Equal(assemblies, AppDomain.CurrentDomain.GetAssemblies().Length);
        Assert.InRange(result.SuccessRate, 0.85, 0.95);
    }
}
