using System.Text.Json;
using Playbook.EngineCore;
using Playbook.Simulation;
using Playbook.Tests.Benchmarks;
using Xunit;

namespace Playbook.Tests.Simulate;

/// <summary>A Monte Carlo worker's engine refills its lists, captures dictionary and child clocks from run to run
/// (<see cref="PlaybookEngine.ReuseRunBuffers"/>), and keeps no timeline when nobody reads it. Neither may change a
/// single figure: every run must be what the same seeded run gives on an engine that allocates everything afresh.</summary>
public class MonteCarloReuseTests
{
    private const int Runs = 400;
    private const int Seed = 7;

    /// <summary>Everything a run's result says, as one string, read at once (a reused result is only valid until the next run).</summary>
    private static string Snapshot(RunResult r) =>
        $"{r.End}|{r.Status}|{r.Elapsed.Ticks}|{r.Reason}|{r.Interrupted}|{r.Cleanup?.Outcome}|{r.Cleanup?.Elapsed.Ticks}\n" +
        string.Join(" ", r.Path) + "\n" +
        string.Join(" ", r.Attempts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")) + "\n" +
        string.Join(" ", r.Taken.Select(t => $"{t.From}#{t.Index}")) + "\n" +
        string.Join("\n", r.Timeline.Select(t => $"{t.At.Ticks} {t.State} {t.Attempt} {t.Outcome} {t.Duration.Ticks} {t.Branch} {t.Note}")) + "\n" +
        JsonSerializer.Serialize(r.Captures.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value));

    /// <summary>The same seeded runs, one after the other on one engine that reuses nothing (as Monte Carlo ran them before).</summary>
    private static async Task<List<RunResult>> FreshRuns(string file)
    {
        var (playbook, resolve) = SimulationMemoryTests.Load(file);
        var (values, errors) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        Assert.Empty(errors);
        var runner = new SimulationRunner(new SimulationScript { Mode = HintMode.Sampled }, resolve);
        var engine = new PlaybookEngine(playbook, runner);
        var results = new List<RunResult>();
        for (var i = 0; i < Runs; i++)
        {
            var random = new RunRandom(Seed, i);
            runner.Random = random;
            engine.Random = random;
            results.Add(await engine.RunAsync(new VirtualClock(), values));
        }
        return results;
    }

    [Theory]
    [InlineData("partial-failure.playbook", 1)] // parallels, a foreach, calls to other playbooks, a cleanup
    [InlineData("partial-failure.playbook", 2)]
    [InlineData("disaster-recovery.playbook", 2)]
    public async Task Each_run_seen_by_the_callback_is_the_run_an_engine_that_reuses_nothing_gives(string file, int workers)
    {
        var fresh = await FreshRuns(file);
        var (playbook, resolve) = SimulationMemoryTests.Load(file);
        var (values, _) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        var seen = new string?[Runs];
        await new Simulator(playbook, resolve).MonteCarloAsync(Runs, Seed, values, workers: workers, eachRun: (i, r) => seen[i] = Snapshot(r));

        for (var i = 0; i < Runs; i++) Assert.Equal(Snapshot(fresh[i]), seen[i]);
        // Not trivially equal: the runs differ from each other, and their timelines were kept for the callback.
        Assert.True(fresh.Select(r => r.Elapsed).Distinct().Count() > Runs / 2);
        Assert.All(seen, s => Assert.Contains("\n", s));
        Assert.Contains(fresh, r => r.Timeline.Count > 5);
    }

    [Theory]
    [InlineData("partial-failure.playbook")]
    [InlineData("disaster-recovery.playbook")]
    public async Task Figures_without_a_callback_timeline_dropped_are_those_of_the_fresh_runs(string file)
    {
        var fresh = await FreshRuns(file);
        var (playbook, resolve) = SimulationMemoryTests.Load(file);
        var (values, _) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        var result = await new Simulator(playbook, resolve).MonteCarloAsync(Runs, Seed, values, workers: 2);

        Assert.Equal(fresh.Select(r => r.Elapsed).Order(), result.SortedTimes);
        Assert.Equal(fresh.Count(r => r.Status == RunStatus.Success) / (double)Runs, result.SuccessRate);
        var ends = fresh.GroupBy(r => r.End ?? "aborted").ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ends.OrderBy(e => e.Key, StringComparer.Ordinal), result.Ends.OrderBy(e => e.Key, StringComparer.Ordinal));
        var paths = fresh.Where(r => r.Status != RunStatus.Success).GroupBy(r => string.Join(" → ", r.Path)).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(result.FailurePaths, p => Assert.Equal(paths[p.Path], p.Count));
    }

    /// <summary>A callee called with other arguments than last time must be bound again: a Monte Carlo runner reuses a
    /// callee's inputs only while its arguments stay the same. Here one callee is called from two states with different
    /// arguments, chosen per run by a 50 % draw, and it ends in failure unless its input is the one its caller passed.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_callee_called_with_other_arguments_than_last_time_reads_the_new_ones(int workers)
    {
        var dir = Directory.CreateTempSubdirectory("pb-callee-args-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "child.playbook"), """
                playbook child {
                  input mode : string
                  decide check {
                    when `mode == "a"` -> fine-a
                    when `mode == "b"` -> fine-b
                    else -> broken
                  }
                  end fine-a success
                  end fine-b failure
                  end broken failure
                }
                """);
            File.WriteAllText(Path.Combine(dir, "parent.playbook"), """
                playbook parent {
                  step roll {
                    script `1`
                    timeout 5s
                    on ok -> call-a
                    on fail -> call-b
                    simulate { fail 50% }
                  }
                  step call-a {
                    call child with { mode = "a" }
                    timeout 1m
                    on ok -> done-a
                    on fail -> odd
                  }
                  step call-b {
                    call child with { mode = "b" }
                    timeout 1m
                    on ok -> odd
                    on fail -> done-b
                  }
                  end done-a success
                  end done-b success
                  end odd failure
                }
                """);
            var file = Path.Combine(dir, "parent.playbook");
            var fresh = await FreshRuns(file);
            var (playbook, resolve) = SimulationMemoryTests.Load(file);
            var (values, _) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
            var seen = new string?[Runs];
            var result = await new Simulator(playbook, resolve).MonteCarloAsync(Runs, Seed, values, workers: workers, eachRun: (i, r) => seen[i] = Snapshot(r));

            for (var i = 0; i < Runs; i++) Assert.Equal(Snapshot(fresh[i]), seen[i]);
            Assert.Equal(1.0, result.SuccessRate);
            Assert.DoesNotContain("odd", result.Ends.Keys);
            // Both arguments were used, many times over, in runs that follow each other.
            Assert.InRange(result.Ends["done-a"], Runs / 4, 3 * Runs / 4);
            Assert.InRange(result.Ends["done-b"], Runs / 4, 3 * Runs / 4);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
