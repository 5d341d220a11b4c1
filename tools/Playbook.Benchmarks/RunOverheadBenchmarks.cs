using System.Text;
using BenchmarkDotNet.Attributes;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.Simulation;

namespace Playbook.Benchmarks;

/// <summary>The engine's own cost per step of a real run: a playbook of <see cref="Steps"/> no-op
/// <c>script `1`</c> steps run through <see cref="LiveRun.StartAsync"/> (system clock, a real journal, every
/// record fsynced), reported per step (OperationsPerInvoke). The journal goes to a directory on disk
/// (<c>JournalOnDisk</c>) and to tmpfs (<c>JournalOnTmpfs</c>, /dev/shm, where fsync costs next to nothing), so
/// the difference is what fsync costs. The baseline runs the same playbook as a dry run (<see cref="Simulator"/>,
/// virtual clock, no journal, actions not run). Goal: under 1 ms per step.</summary>
[MemoryDiagnoser]
public class RunOverheadBenchmarks
{
    public const int Steps = 20;

    private CompiledPlaybook _playbook = null!;
    private Simulator _simulator = null!;
    private string _source = null!;
    private string _disk = null!;
    private string? _tmpfs;
    private long _runs;

    [GlobalSetup]
    public void Setup()
    {
        // Under the repository (not /tmp, which may be tmpfs elsewhere): a real disk's fsync.
        _source = Path.Combine(Corpus.RepositoryRoot(), "BenchmarkDotNet.Artifacts", "run-overhead");
        Directory.CreateDirectory(_source);
        var path = Path.Combine(_source, "no-ops.playbook");
        File.WriteAllText(path, NoOpPlaybook(Steps));
        var document = new PlaybookWorkspace().Load(path);
        if (document.HasErrors || document.Model is null) throw new InvalidOperationException($"{path} has errors");
        _playbook = PlaybookCompiler.Compile(document.Model);
        _simulator = new Simulator(_playbook, (_, _) => null);
        _disk = Path.Combine(_source, "journal");
        _tmpfs = Directory.Exists("/dev/shm") ? Path.Combine("/dev/shm", $"playbook-run-overhead-{Environment.ProcessId}") : null;
        Directory.CreateDirectory(_disk);
        if (_tmpfs is not null) Directory.CreateDirectory(_tmpfs);
        Console.WriteLine($"// journal on disk: {_disk}; on tmpfs: {_tmpfs ?? "(no /dev/shm: measured on disk again)"}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // One journal per op piles up (a few thousand files at most): gone once the benchmark is done.
        foreach (var dir in new[] { _disk, _tmpfs })
            if (dir is not null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps)]
    public async Task<RunResult> DryRun() => await _simulator.RunOnceAsync(new SimulationScript(), new Dictionary<string, object?>());

    [Benchmark(OperationsPerInvoke = Steps)]
    public Task<RunResult> JournalOnDisk() => LiveAsync(_disk);

    [Benchmark(OperationsPerInvoke = Steps)]
    public Task<RunResult> JournalOnTmpfs() => LiveAsync(_tmpfs ?? _disk);

    private async Task<RunResult> LiveAsync(string journals)
    {
        // A directory per run: run ids are unique per second only up to a 4-hex-digit suffix, and hundreds of
        // runs a second would collide. Making it costs microseconds, against milliseconds a run.
        var journal = Path.Combine(journals, (++_runs).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var outcome = await LiveRun.StartAsync(new LiveRunOptions
        {
            Playbook = _playbook,
            ResolveCallee = (_, _) => null,
            View = new SilentRunView(),
            JournalDirectory = journal,
            WorkingDirectory = _source,
            NotifyUrl = null,
        });
        return outcome.Result is { Status: RunStatus.Success } result
            ? result
            : throw new InvalidOperationException($"the run did not succeed: {outcome.Result?.Reason ?? string.Join("; ", outcome.Errors)}");
    }

    /// <summary><c>steps</c> script steps in a row, then a success end.</summary>
    public static string NoOpPlaybook(int steps)
    {
        var text = new StringBuilder("playbook no-ops {\n");
        for (var i = 1; i <= steps; i++)
            text.Append($"  step s{i} {{ script `1`  on ok -> {(i < steps ? $"s{i + 1}" : "done")}  on fail -> failed }}\n");
        text.Append("  end done success\n  end failed failure\n}\n");
        return text.ToString();
    }

    /// <summary>Nobody watching: the view costs nothing, so only the engine and the journal are measured.</summary>
}
