using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Playbook.Benchmarks;

/// <summary>What the machine gives N threads right now: a loop that shares nothing (no memory traffic, no
/// allocation, no lock: a multiply-add chain in registers) run once on one thread, then on N threads at once,
/// each doing the same work. Its speed-up, N × one thread's time ÷ the N threads' time, is the most any
/// parallel code can get in that moment; on this VM the second vCPU is often taken by another guest or by other
/// processes, so a Monte Carlo speed-up means something only next to it.</summary>
internal sealed class SpinCalibration
{
    private readonly long _iterations;

    private SpinCalibration(long iterations) => _iterations = iterations;

    /// <summary>A spin whose one-thread run takes about <paramref name="target"/> (at least 50 ms).</summary>
    public static SpinCalibration Sized(TimeSpan target)
    {
        const long Probe = 20_000_000;
        Spin(Probe); // JIT and warm-up
        var watch = Stopwatch.StartNew();
        Spin(Probe);
        var perIteration = watch.Elapsed.TotalSeconds / Probe;
        var seconds = Math.Max(0.05, target.TotalSeconds);
        return new SpinCalibration(Math.Max(Probe, (long)(seconds / perIteration)));
    }

    /// <summary>One thread's time for the work, the time for <paramref name="threads"/> times the work on as many
    /// threads (started together), and the speed-up.</summary>
    public (TimeSpan One, TimeSpan All, double SpeedUp) Measure(int threads)
    {
        var watch = Stopwatch.StartNew();
        Sink(Spin(_iterations));
        var one = watch.Elapsed;
        using var start = new ManualResetEventSlim();
        var workers = new Thread[threads];
        var results = new long[threads * 16]; // one cache line apart: the threads share nothing, not even a line
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            workers[t] = new Thread(() =>
            {
                start.Wait();
                results[index * 16] = Spin(_iterations);
            }) { IsBackground = true };
            workers[t].Start();
        }
        watch.Restart();
        start.Set();
        foreach (var worker in workers) worker.Join();
        var all = watch.Elapsed;
        foreach (var r in results) Sink(r); // not Sum(): it is checked, and the spins' values overflow a long
        return (one, all, threads * one.TotalSeconds / all.TotalSeconds);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Spin(long iterations)
    {
        long x = 1;
        for (var i = 0L; i < iterations; i++) x = unchecked(x * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L);
        return x;
    }

    // Keeps the JIT from dropping a spin whose result nobody reads.
    private static long _sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Sink(long value) => _sink ^= value;
}
