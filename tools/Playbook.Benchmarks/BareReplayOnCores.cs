using System.Diagnostics;
using System.Globalization;

namespace Playbook.Benchmarks;

/// <summary>The bare Stateless replay (<see cref="SimulationBenchmarks.BareMachine"/>), the Monte Carlo goal's baseline,
/// on one thread and on one thread per core at once, each thread on machines of its own (one
/// <see cref="SimulationBenchmarks"/> per thread: Stateless machines are not thread-safe). No Jint, no engine, no result:
/// what a second core gives the part of a simulated run that is Stateless's alone. Monte Carlo cannot scale much better
/// than its own baseline does, so its speed-up means something next to this one, as next to the spin's.</summary>
internal sealed class BareReplayOnCores
{
    private readonly SimulationBenchmarks[] _benches;

    private BareReplayOnCores(SimulationBenchmarks[] benches) => _benches = benches;

    /// <summary>Replays on <paramref name="first"/> (already set up) and on as many more as it takes for one per core.</summary>
    public static BareReplayOnCores Create(SimulationBenchmarks first, int cores)
    {
        var benches = new SimulationBenchmarks[cores];
        benches[0] = first;
        for (var i = 1; i < cores; i++)
        {
            benches[i] = new SimulationBenchmarks();
            benches[i].Setup();
        }
        foreach (var bench in benches) for (var i = 0; i < 20_000; i++) bench.BareMachine(); // warm-up, JIT
        return new BareReplayOnCores(benches);
    }

    public int Threads => _benches.Length;

    /// <summary>Seconds for <paramref name="replays"/> replays on one thread (a new one, as in <see cref="AllThreads"/>:
    /// a profile tells the two measurements apart by thread).</summary>
    public double OneThread(int replays) => OnThreads(1, replays);

    /// <summary>Seconds for <paramref name="replays"/> replays on each of <see cref="Threads"/> threads started together.</summary>
    public double AllThreads(int replays) => OnThreads(_benches.Length, replays);

    private double OnThreads(int count, int replays)
    {
        MonteCarloCoresLoop.CollectLeftovers();
        using var start = new ManualResetEventSlim();
        var threads = _benches.Take(count).Select(bench => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < replays; i++) bench.BareMachine();
        }) { IsBackground = true }).ToArray();
        foreach (var thread in threads) thread.Start();
        var watch = Stopwatch.StartNew();
        start.Set();
        foreach (var thread in threads) thread.Join();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary><c>--bare-cores [REPLAYS] [ROUNDS]</c>: the bare replay alone, REPLAYS on one thread, then REPLAYS on each
    /// of one thread per core, ROUNDS times; prints each round's speed-up and the median.</summary>
    public static void Run(int replays, int rounds)
    {
        var first = new SimulationBenchmarks();
        first.Setup();
        var bare = Create(first, Environment.ProcessorCount);
        var speedUps = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var one = bare.OneThread(replays);
            var all = bare.AllThreads(replays);
            var speedUp = bare.Threads * one / all;
            speedUps.Add(speedUp);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: 1 thread {replays / one:F0} replays/s, {bare.Threads} threads {bare.Threads * replays / all:F0} replays/s, x{speedUp:F2}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"over {rounds} rounds: bare replay on {bare.Threads} threads vs 1, median x{MonteCarloCoresLoop.Median(speedUps):F2} (best x{speedUps.Max():F2})"));
    }
}
