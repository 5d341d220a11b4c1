using System.Diagnostics;
using System.Globalization;
using Playbook.Simulation;

namespace Playbook.Benchmarks;

/// <summary><c>--simulate-cores [RUNS] [ROUNDS]</c>: <see cref="Simulator.MonteCarloAsync"/> of partial-failure
/// (callees compiled once, as in <see cref="SimulationBenchmarks"/>) with one worker and with one per core,
/// alternating, RUNS runs a round, after a warm-up; prints runs/s of each per round, the median speed-up, the
/// machine's load average, and checks that both gave the same figures.</summary>
internal static class MonteCarloCoresLoop
{
    public static void Run(int runs, int rounds)
    {
        var bench = new SimulationBenchmarks();
        bench.Setup();
        var simulator = bench.NewSimulator();
        var cores = Environment.ProcessorCount;
        simulator.MonteCarloAsync(Math.Min(runs, 20_000), 1, bench.Values, workers: cores).AsTask().GetAwaiter().GetResult(); // warm-up, JIT
        var speedUps = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var one = Time(() => simulator.MonteCarloAsync(runs, round, bench.Values, workers: 1));
            var all = Time(() => simulator.MonteCarloAsync(runs, round, bench.Values, workers: cores));
            if (one.Result.SuccessRate != all.Result.SuccessRate || !one.Result.SortedTimes.SequenceEqual(all.Result.SortedTimes))
                throw new InvalidOperationException($"round {round}: 1 worker and {cores} workers disagree");
            speedUps.Add(one.Seconds / all.Seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: 1 worker {runs / one.Seconds:F0} runs/s, {cores} workers {runs / all.Seconds:F0} runs/s, x{one.Seconds / all.Seconds:F2}  (load {LoadAverage()})"));
        }
        speedUps.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median speed-up over {rounds} rounds: x{speedUps[speedUps.Count / 2]:F2} on {cores} cores"));
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
