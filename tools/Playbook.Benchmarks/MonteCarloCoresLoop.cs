using System.Diagnostics;
using System.Globalization;
using Playbook.Simulation;

namespace Playbook.Benchmarks;

/// <summary><c>--simulate-cores [RUNS] [ROUNDS]</c>: <see cref="Simulator.MonteCarloAsync"/> of partial-failure
/// (callees compiled once, as in <see cref="SimulationBenchmarks"/>) with one worker and with one per core,
/// alternating, RUNS runs a round, after a warm-up, then RUNS bare Stateless replays of the same seeds' fires on one thread
/// (<see cref="SimulationBenchmarks.BareMachine"/>); prints runs/s of each per round, the single-core per-run cost against
/// the bare replay, the median speed-up and ratio, the machine's load average, and checks that both worker counts gave the same figures.</summary>
internal static class MonteCarloCoresLoop
{
    public static void Run(int runs, int rounds)
    {
        var bench = new SimulationBenchmarks();
        bench.Setup();
        var simulator = bench.NewSimulator();
        var cores = Environment.ProcessorCount;
        simulator.MonteCarloAsync(Math.Min(runs, 20_000), 1, bench.Values, workers: cores).AsTask().GetAwaiter().GetResult(); // warm-up, JIT
        for (var i = 0; i < 20_000; i++) bench.BareMachine();
        var speedUps = new List<double>();
        var ratios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var one = Time(() => simulator.MonteCarloAsync(runs, round, bench.Values, workers: 1));
            var all = Time(() => simulator.MonteCarloAsync(runs, round, bench.Values, workers: cores));
            if (one.Result.SuccessRate != all.Result.SuccessRate || !one.Result.SortedTimes.SequenceEqual(all.Result.SortedTimes))
                throw new InvalidOperationException($"round {round}: 1 worker and {cores} workers disagree");
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < runs; i++) bench.BareMachine();
            var bare = watch.Elapsed.TotalSeconds;
            speedUps.Add(one.Seconds / all.Seconds);
            ratios.Add(one.Seconds / bare);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: 1 worker {runs / one.Seconds:F0} runs/s ({one.Seconds * 1e6 / runs:F1} us/run), {cores} workers {runs / all.Seconds:F0} runs/s, x{one.Seconds / all.Seconds:F2}; " +
                $"bare replay {runs / bare:F0}/s ({bare * 1e6 / runs:F1} us), 1 worker = {one.Seconds / bare:F2}x bare  (load {LoadAverage()})"));
        }
        speedUps.Sort();
        ratios.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median speed-up over {rounds} rounds: x{speedUps[speedUps.Count / 2]:F2} on {cores} cores (best x{speedUps[^1]:F2}); median single-core cost {ratios[ratios.Count / 2]:F2}x the bare replay (best {ratios[0]:F2}x)"));
    }

    private static (MonteCarloResult Result, double Seconds) Time(Func<ValueTask<MonteCarloResult>> work)
    {
        var watch = Stopwatch.StartNew();
        var result = work().AsTask().GetAwaiter().GetResult();
        return (result, watch.Elapsed.TotalSeconds);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
