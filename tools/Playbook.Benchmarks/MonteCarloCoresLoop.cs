using System.Diagnostics;
using System.Globalization;
using Playbook.Simulation;

namespace Playbook.Benchmarks;

/// <summary><c>--simulate-cores [RUNS] [ROUNDS]</c>: <see cref="Simulator.MonteCarloAsync"/> of partial-failure
/// (callees compiled once, as in <see cref="SimulationBenchmarks"/>) with one worker and with one per core,
/// alternating, RUNS runs a round, after a warm-up, then RUNS bare Stateless replays of the same seeds' fires on one thread
/// (<see cref="SimulationBenchmarks.BareMachine"/>), then RUNS of those replays on each of one thread per core
/// (<see cref="BareReplayOnCores"/>: what a second core gives the baseline itself), then a pure CPU spin on one thread
/// and on one thread per core (<see cref="SpinCalibration"/>): what this machine gives a second thread in this very round.</summary>
/// <remarks>Per round it prints runs/s of each, the single-core per-run cost against the bare replay both in wall
/// time and in process CPU time (the CPU ratio does not count the time the thread waited for a core, so it moves
/// less with other processes' load), the Monte Carlo speed-up, the bare replay's and the spin's speed-ups, and the first
/// divided by each (1.00 = Monte Carlo uses the cores as well as its baseline does, or as a loop that shares nothing);
/// then the medians and bests, and the machine's load average. It checks that both worker counts gave the same figures.</remarks>
internal static class MonteCarloCoresLoop
{
    public static void Run(int runs, int rounds)
    {
        var bench = new SimulationBenchmarks();
        bench.Setup();
        var simulator = bench.NewSimulator();
        var cores = Environment.ProcessorCount;
        simulator.MonteCarloAsync(Math.Min(runs, 20_000), 1, bench.Values, workers: cores).AsTask().GetAwaiter().GetResult(); // warm-up, JIT
        WarmUpEngineConstruction(simulator, bench.Values, cores);
        for (var i = 0; i < 20_000; i++) bench.BareMachine();
        // The spin is sized to a quarter of one worker's RUNS runs (at most 2 s): long enough to see what a second
        // thread gets, short enough that the round's figures come from the same stretch of load.
        var bareOnCores = BareReplayOnCores.Create(bench, cores);
        var warm = Time(() => simulator.MonteCarloAsync(Math.Min(runs, 20_000), 1, bench.Values, workers: 1));
        var spin = SpinCalibration.Sized(TimeSpan.FromSeconds(Math.Min(2, warm.Seconds * runs / Math.Min(runs, 20_000) / 4)));
        var speedUps = new List<double>();
        var bareUps = new List<double>();
        var bareShares = new List<double>();
        var spinUps = new List<double>();
        var shares = new List<double>();
        var ratios = new List<double>();
        var cpuRatios = new List<double>();
        Console.WriteLine($"// load average at start: {LoadAverage()}");
        for (var round = 0; round < rounds; round++)
        {
            var one = Time(() => simulator.MonteCarloAsync(runs, round, bench.Values, workers: 1));
            var all = Time(() => simulator.MonteCarloAsync(runs, round, bench.Values, workers: cores));
            if (one.Result.SuccessRate != all.Result.SuccessRate || !one.Result.SortedTimes.SequenceEqual(all.Result.SortedTimes))
                throw new InvalidOperationException($"round {round}: 1 worker and {cores} workers disagree");
            CollectLeftovers();
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < runs; i++) bench.BareMachine();
            var bare = watch.Elapsed.TotalSeconds;
            var bareCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
            var bareUp = cores * bare / bareOnCores.AllThreads(runs);
            var spun = spin.Measure(cores);
            var speedUp = one.Seconds / all.Seconds;
            speedUps.Add(speedUp);
            bareUps.Add(bareUp);
            bareShares.Add(speedUp / bareUp);
            spinUps.Add(spun.SpeedUp);
            shares.Add(speedUp / spun.SpeedUp);
            ratios.Add(one.Seconds / bare);
            cpuRatios.Add(one.CpuSeconds / bareCpu);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: 1 worker {runs / one.Seconds:F0} runs/s ({one.Seconds * 1e6 / runs:F1} us/run, CPU {one.CpuSeconds * 1e6 / runs:F1} us), {cores} workers {runs / all.Seconds:F0} runs/s, x{speedUp:F2}; bare replay on {cores} threads x{bareUp:F2}, Monte Carlo / bare replay {speedUp / bareUp:F2}; " +
                $"spin x{spun.SpeedUp:F2} ({spun.One.TotalMilliseconds:F0} ms on 1 thread, {spun.All.TotalMilliseconds:F0} ms for {cores}x the work on {cores}), Monte Carlo / spin {speedUp / spun.SpeedUp:F2}; " +
                $"bare replay {runs / bare:F0}/s ({bare * 1e6 / runs:F1} us, CPU {bareCpu * 1e6 / runs:F1} us), 1 worker = {one.Seconds / bare:F2}x bare (CPU {one.CpuSeconds / bareCpu:F2}x)  (load {LoadAverage()})"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"over {rounds} rounds on {cores} cores, median (best): Monte Carlo speed-up x{Median(speedUps):F2} (x{speedUps.Max():F2}); bare replay speed-up x{Median(bareUps):F2} (x{bareUps.Max():F2}); Monte Carlo / bare replay {Median(bareShares):F2} ({bareShares.Max():F2}); spin speed-up x{Median(spinUps):F2} (x{spinUps.Max():F2}); " +
            $"Monte Carlo / spin {Median(shares):F2} ({shares.Max():F2}); single-core cost {Median(ratios):F2}x the bare replay ({ratios.Min():F2}x), in CPU time {Median(cpuRatios):F2}x ({cpuRatios.Min():F2}x); load {LoadAverage()}"));
    }

    /// <summary>Each Monte Carlo call builds an engine per worker, and each engine's construction (Jint builds every
    /// intrinsic of a realm, for the playbook and each callee) runs code that a call runs once per worker. That code
    /// reaches the runtime's tier-up threshold (30 calls) only after a few measured calls, and the JIT then recompiles
    /// ~1 100 of Jint's methods in the background, 0.9–1.2 s of a core, in the middle of a round (it was the third round,
    /// whose two-worker figure was the lowest in nearly every invocation until 2026-12-07). A `playbook simulate` process
    /// makes one call and never gets there. So before the clock starts: small calls on every core until that code
    /// has been tiered up and a call compiles next to nothing.</summary>
    private static void WarmUpEngineConstruction(Simulator simulator, IReadOnlyDictionary<string, object?> values, int cores)
    {
        for (var call = 0; call < 60; call++)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            simulator.MonteCarloAsync(400, call, values, workers: cores).AsTask().GetAwaiter().GetResult();
            if (call >= 20) Thread.Sleep(200); // the tier-up runs after a 100 ms pause in new tier-0 activity
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            if (call >= 20 && compiled < 10) break;
        }
    }

    /// <summary><c>--simulate-cores-processes RUNS [ROUNDS]</c>: the same Monte Carlo, one worker per process: one child
    /// process doing RUNS runs, then one child per core at once, each doing RUNS / cores (each child warms up first and
    /// times only its runs, so process starts and JIT are not counted). Each child has a heap and a GC of its own and
    /// shares nothing with the others: what the machine gives this work on a second core, next to what one process's
    /// workers get (<see cref="Run"/>).</summary>
    public static void Processes(int runs, int rounds)
    {
        var cores = Environment.ProcessorCount;
        var speedUps = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var one = Children(1, runs);
            var all = Children(cores, runs / cores);
            speedUps.Add(one / all);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: 1 process {runs / one:F0} runs/s, {cores} processes {runs / all:F0} runs/s, x{one / all:F2}  (load {LoadAverage()})"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"over {rounds} rounds: {cores} processes vs 1, median x{Median(speedUps):F2} (best x{speedUps.Max():F2})"));
    }

    /// <summary><c>--simulate-cores-child RUNS</c>: warms up, then times RUNS Monte Carlo runs on one worker; prints seconds.</summary>
    public static void Child(int runs)
    {
        var bench = new SimulationBenchmarks();
        bench.Setup();
        var simulator = bench.NewSimulator();
        simulator.MonteCarloAsync(20_000, 1, bench.Values, workers: 1).AsTask().GetAwaiter().GetResult();
        var watch = Stopwatch.StartNew();
        simulator.MonteCarloAsync(runs, 2, bench.Values, workers: 1).AsTask().GetAwaiter().GetResult();
        Console.WriteLine(watch.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary><c>--simulate-warm-up [RUNS] [WORKERS]</c>: one Monte Carlo of partial-failure in a fresh process, as
    /// <c>playbook simulate --runs</c> makes it, timing each tenth of the runs: how long the first runs take while the
    /// JIT tiers the engine up, next to the last ones. Nothing runs before the clock starts (the playbook is only loaded).</summary>
    public static void WarmUp(int runs, int workers)
    {
        var bench = new SimulationBenchmarks();
        var load = Stopwatch.StartNew();
        bench.Load(); // not Setup: that makes 4 000 runs of its own, which would warm the engine up before the clock starts
        var simulator = bench.NewSimulator();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// {SimulationBenchmarks.PlaybookFile} loaded, checked and compiled in {load.Elapsed.TotalMilliseconds:F0} ms; {runs} runs on {Math.Max(1, workers)} worker(s), seed 0"));
        var watch = Stopwatch.StartNew();
        var marks = new Marks(runs, watch);
        simulator.MonteCarloAsync(runs, 0, bench.Values, progress: marks, workers: workers).AsTask().GetAwaiter().GetResult();
        var total = watch.Elapsed;
        marks.Print(total);
    }

    private sealed class Marks(int runs, Stopwatch watch) : IProgress<int>
    {
        private readonly List<(int Done, TimeSpan At)> _seen = new();

        public void Report(int value)
        {
            lock (_seen) _seen.Add((value, watch.Elapsed));
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

    private static double Children(int count, int runs) =>
        ChildProcesses.SlowestSeconds(count, "--simulate-cores-child", runs.ToString(CultureInfo.InvariantCulture));

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>With PLAYBOOK_BENCH_GC=1: each timed call also prints its collections, pauses, JIT work and promotions.</summary>
    private static readonly GcListener? Gc = Environment.GetEnvironmentVariable("PLAYBOOK_BENCH_GC") == "1" ? new GcListener() : null;

    /// <summary>Wall time and process CPU time (every thread's, the GC's included) of one Monte Carlo call.</summary>
    private static (MonteCarloResult Result, double Seconds, double CpuSeconds) Time(Func<ValueTask<MonteCarloResult>> work)
    {
        CollectLeftovers();
        var cpu = Environment.CpuUsage.TotalTime;
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var paused = GC.GetTotalPauseDuration();
        var items = ThreadPool.CompletedWorkItemCount;
        var contentions = Monitor.LockContentionCount;
        var jitted = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
        var promoted = Gc?.Totals ?? default;
        var watch = Stopwatch.StartNew();
        var result = work().AsTask().GetAwaiter().GetResult();
        var seconds = watch.Elapsed.TotalSeconds;
        if (Gc is not null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"//   {seconds * 1e3:F0} ms: GCs gen0 {GC.CollectionCount(0) - gcs.Item1}, gen1 {GC.CollectionCount(1) - gcs.Item2}, gen2 {GC.CollectionCount(2) - gcs.Item3}; paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms; thread-pool work items {ThreadPool.CompletedWorkItemCount - items}, lock contentions {Monitor.LockContentionCount - contentions}; methods JIT-compiled {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted.Item1} in {(System.Runtime.JitInfo.GetCompilationTime() - jitted.Item2).TotalMilliseconds:F0} ms; promoted from gen0 {(Gc.Totals.Promoted0 - promoted.Promoted0) / 1024.0:F0} KB, from gen1 {(Gc.Totals.Promoted1 - promoted.Promoted1) / 1024.0:F0} KB in {Gc.Totals.Collections - promoted.Collections} collections"));
        return (result, seconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }

    /// <summary>Collects what the measurements before left behind (each Monte Carlo call builds engines of its own), as
    /// BenchmarkDotNet does between iterations, so that no measurement pays for another's garbage: `playbook simulate`
    /// makes one Monte Carlo call per process and never does.</summary>
    internal static void CollectLeftovers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
