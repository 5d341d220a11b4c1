using System.Diagnostics;
using System.Globalization;

namespace Playbook.Benchmarks;

/// <summary><c>--simulate-warm-up [RUNS] [WORKERS]</c>: one Monte Carlo of partial-failure in a fresh process, as
/// <c>playbook simulate --runs</c> makes it, timing each tenth of the runs: how long the first runs take while the
/// JIT tiers the engine up, next to the last ones. Nothing runs before the clock starts (the playbook is only loaded).</summary>
internal static class MonteCarloWarmUp
{
    public static void Run(int runs, int workers)
    {
        var bench = new SimulationBenchmarks();
        var load = Stopwatch.StartNew();
        bench.Load(); // not Setup: that makes 4 000 runs of its own, which would warm the engine up before the clock starts
        var simulator = bench.NewSimulator();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// {SimulationBenchmarks.PlaybookFile} loaded, checked and compiled in {load.Elapsed.TotalMilliseconds:F0} ms; {runs} runs on {Math.Max(1, workers)} worker(s), seed 0"));
        var marks = new Marks(runs);
        var watch = Stopwatch.StartNew();
        marks.Watch = watch;
        simulator.MonteCarloAsync(runs, 0, bench.Values, progress: marks, workers: workers).AsTask().GetAwaiter().GetResult();
        var total = watch.Elapsed;
        marks.Print(total);
    }

    private sealed class Marks(int runs) : IProgress<int>
    {
        private readonly List<(int Done, TimeSpan At)> _seen = new();
        public Stopwatch Watch { get; set; } = null!;

        public void Report(int value)
        {
            lock (_seen) _seen.Add((value, Watch.Elapsed));
        }

        public void Print(TimeSpan total)
        {
            var last = (Done: 0, At: TimeSpan.Zero);
            var step = Math.Max(1, runs / 10);
            var next = step;
            foreach (var (done, at) in _seen.OrderBy(s => s.Done))
            {
                if (done < next && done < runs) continue;
                var n = done - last.Done;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"runs {last.Done,7}..{done,7}: {(at - last.At).TotalMilliseconds,7:F0} ms, {(at - last.At).TotalMilliseconds * 1000 / Math.Max(1, n),6:F1} us/run"));
                last = (done, at);
                while (next <= done) next += step;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all {runs} runs: {total.TotalMilliseconds:F0} ms"));
        }
    }
}
