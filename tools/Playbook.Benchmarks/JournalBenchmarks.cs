using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using Playbook.Journal;

namespace Playbook.Benchmarks;

/// <summary>Durable appends per second (one op = one record written and fsynced) through
/// <see cref="JournalWriter.Append"/>, next to the floor any journal pays (the ratio baseline): one positional
/// write of a pre-built line of the same length plus one fsync, on a bare <see cref="SafeFileHandle"/>.
/// Goal: the journal reaches at least 80 % of the raw rate.</summary>
/// <remarks>Both files start empty each iteration (<see cref="InvocationsPerIteration"/> appends, ~230 KB) so
/// neither grows without bound over a run, and both live in the same folder on the same disk.</remarks>
[MemoryDiagnoser]
[InvocationCount(InvocationsPerIteration)]
public class JournalBenchmarks
{
    public const int InvocationsPerIteration = 1_000;

    // A typical step record: ~200 bytes of JSON with the seq, type and at the writer adds.
    private static readonly Action<Utf8JsonWriter> StepFields = static w =>
    {
        w.WriteString("state", "restart-primary-db");
        w.WriteString("outcome", "ok");
        w.WriteNumber("attempt", 2);
        w.WriteNumber("durationMs", 18_432);
        w.WriteString("message", "pg_ctl restart finished; replica lag 0 s; 3 connections");
    };

    private string _dir = null!;
    private JournalWriter _journal = null!;
    private SafeFileHandle _raw = null!;
    private long _rawLength;
    private byte[] _line = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup()
    {
        // BenchmarkDotNet builds its boilerplate project just before the first benchmark (RawWriteFsync), and
        // an ext4 fsync may also have to commit that build's dirty pages: three runs without this had the raw
        // loop 3-4x slower than the journal, which the interleaved --journal loop never shows. Flush first.
        if (!OperatingSystem.IsWindows()) Process.Start("sync")?.WaitForExit();
        _dir = Directory.CreateTempSubdirectory("playbook-journal-bench-").FullName;
        // The raw loop writes a real journal line, so both write the same number of bytes.
        var sample = Path.Combine(_dir, "sample.journal");
        using (var writer = JournalWriter.Create(sample)) writer.Append("step.finished", StepFields);
        _line = File.ReadAllBytes(sample);
        Console.WriteLine($"// record line: {_line.Length} bytes ({_line.Length - 10} bytes of JSON)");
    }

    [IterationSetup]
    public void OpenFiles()
    {
        var journal = Path.Combine(_dir, "journal.journal");
        var raw = Path.Combine(_dir, "raw.journal");
        File.Delete(journal);
        File.Delete(raw);
        _journal = JournalWriter.Create(journal);
        _raw = File.OpenHandle(raw, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _rawLength = 0;
    }

    [IterationCleanup]
    public void CloseFiles()
    {
        _journal.Dispose();
        _raw.Dispose();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Baseline = true)]
    public long RawWriteFsync()
    {
        RandomAccess.Write(_raw, _line, _rawLength);
        _rawLength += _line.Length;
        RandomAccess.FlushToDisk(_raw);
        return _rawLength;
    }

    [Benchmark]
    public long JournalAppend() => _journal.Append("step.finished", StepFields);

    /// <summary><c>--journal [ROUNDS]</c>: the two loops interleaved in blocks of 200 appends, fresh files each
    /// round (which goes first alternates), timed with a Stopwatch. On a shared disk fsync times swing several-fold from one second to the
    /// next; alternating puts both loops under the same conditions, which a sequential BenchmarkDotNet run
    /// cannot. Prints the rates over all rounds and the spread of the per-round ratios.</summary>
    public static void Loop(int rounds)
    {
        const int block = 200;
        var bench = new JournalBenchmarks();
        bench.Setup();
        try
        {
            TimeSpan rawTime = default, journalTime = default;
            var ratios = new List<double>();
            for (var round = -2; round < rounds; round++) // two warm-up rounds
            {
                bench.OpenFiles();
                // Who goes first alternates: the first block of a round starts on a disk the previous round
                // just left busy.
                void Raw() { for (var i = 0; i < block; i++) bench.RawWriteFsync(); }
                void Journal() { for (var i = 0; i < block; i++) bench.JournalAppend(); }
                TimeSpan raw, journal;
                if (round % 2 == 0)
                {
                    raw = Time(Raw);
                    journal = Time(Journal);
                }
                else
                {
                    journal = Time(Journal);
                    raw = Time(Raw);
                }
                bench.CloseFiles();
                if (round < 0) continue;
                rawTime += raw;
                journalTime += journal;
                ratios.Add(raw / journal);
            }
            ratios.Sort();
            var appends = (double)rounds * block;
            Console.WriteLine($"{rounds} rounds x {block} appends of a {bench._line.Length}-byte line, interleaved");
            Console.WriteLine($"raw write+fsync: {appends / rawTime.TotalSeconds,8:F0} appends/s ({rawTime.TotalMicroseconds / appends:F1} us each)");
            Console.WriteLine($"JournalWriter:   {appends / journalTime.TotalSeconds,8:F0} appends/s ({journalTime.TotalMicroseconds / appends:F1} us each)");
            Console.WriteLine($"journal / raw rate: {rawTime / journalTime:P1} over all rounds; per round min {ratios[0]:P0}, median {ratios[ratios.Count / 2]:P0}, max {ratios[^1]:P0}");
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static TimeSpan Time(Action loop)
    {
        var wall = Stopwatch.StartNew();
        loop();
        return wall.Elapsed;
    }
}
