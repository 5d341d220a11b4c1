using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Playbook.Benchmarks;

/// <summary><c>--allocation-scaling [UNITS] [ARITHMETIC] [BYTES…]</c>: what a second core gives work that allocates like a Monte
/// Carlo run and shares nothing else. Each unit allocates BYTES in short-lived 64-byte objects (a run's closures,
/// iterators and records are that size) and ARITHMETIC multiply-adds in registers (2 000 ≈ 1.6 µs; 30 000 ≈ 25 µs,
/// a Monte Carlo run's time, so 27 000 bytes then allocate at a Monte Carlo worker's rate); UNITS units on one thread, then
/// the same work split over one thread per core, three rounds per BYTES; then the same split over one process per
/// core (each child times its own work, so process starts are not counted).</summary>
/// <remarks>Why: Monte Carlo's speed-up could come from sharing (locks, counters, one cache line written by both
/// workers) or from allocation alone. This loop has no sharing at all, so if it scales like Monte Carlo at the same
/// bytes per unit, cutting shared state cannot help; if processes scale where threads do not, the limit is the one
/// heap the threads share. It runs with the CLI's GC settings
/// (this project's runtimeconfig); set <c>DOTNET_gcServer=1</c> or <c>DOTNET_GCgen0size</c> to compare GCs.</remarks>
internal static class AllocationScaling
{
    private const int ObjectBytes = 64; // a byte[40]: 24 bytes of header and length, 40 of payload

    public static void Run(int units, int arithmetic, IReadOnlyList<int> bytesPerUnit)
    {
        var threads = Environment.ProcessorCount;
        foreach (var bytes in bytesPerUnit)
        {
            Work(Math.Min(units, 2_000), arithmetic, bytes); // JIT and warm-up
            var speedUps = new List<double>();
            double perUnit = 0;
            var collections = GC.CollectionCount(0);
            for (var round = 0; round < 3; round++)
            {
                var watch = Stopwatch.StartNew();
                Work(units, arithmetic, bytes);
                var one = watch.Elapsed.TotalSeconds;
                var workers = new Thread[threads];
                for (var t = 0; t < threads; t++) workers[t] = new Thread(() => Work(units / threads, arithmetic, bytes));
                watch.Restart();
                foreach (var w in workers) w.Start();
                foreach (var w in workers) w.Join();
                var all = watch.Elapsed.TotalSeconds;
                speedUps.Add(one / all);
                perUnit = one * 1e6 / units;
            }
            speedUps.Sort();
            var processes = new List<double>();
            for (var round = 0; round < 3; round++)
            {
                var one = Children(1, units, arithmetic, bytes);
                var all = Children(threads, units / threads, arithmetic, bytes);
                processes.Add(one / all);
            }
            processes.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{bytes} bytes and {arithmetic} multiply-adds a unit: 1 thread {perUnit:F2} us/unit; {threads} threads x{speedUps[1]:F2} median (x{speedUps[^1]:F2} best); {GC.CollectionCount(0) - collections} gen0 collections; " +
                $"{threads} processes x{processes[1]:F2} median (x{processes[^1]:F2} best)"));
        }
    }

    /// <summary><c>--allocation-scaling-child UNITS ARITHMETIC BYTES</c>: the work in a process of its own (a heap and a GC of
    /// its own), after a warm-up; prints the seconds it took, without the process's start.</summary>
    public static void Child(int units, int arithmetic, int bytes)
    {
        Work(Math.Min(units, 2_000), arithmetic, bytes);
        var watch = Stopwatch.StartNew();
        Work(units, arithmetic, bytes);
        Console.WriteLine(watch.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
    }

    private static double Children(int count, int units, int arithmetic, int bytes) =>
        ChildProcesses.SlowestSeconds(count, "--allocation-scaling-child", units.ToString(CultureInfo.InvariantCulture),
            arithmetic.ToString(CultureInfo.InvariantCulture), bytes.ToString(CultureInfo.InvariantCulture));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Work(int units, int arithmetic, int bytes)
    {
        long sum = 0;
        for (var u = 0; u < units; u++)
        {
            byte[]? last = null;
            for (var b = 0; b < bytes; b += ObjectBytes)
            {
                last = new byte[40];
                last[0] = (byte)b;
                sum += last[0];
            }
            for (var i = 0; i < arithmetic; i++) sum = sum * 31 + i;
            GC.KeepAlive(last);
        }
        return sum;
    }
}
