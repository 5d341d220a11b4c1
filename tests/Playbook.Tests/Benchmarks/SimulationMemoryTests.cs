using System.Diagnostics;
using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.Benchmarks;

/// <summary>Monte Carlo reuses one engine, runner and clock for every run: memory must stay flat however
/// many runs, and nothing may be compiled per run.</summary>
[Collection(MeasuresTheWholeProcess.Name)]
public class SimulationMemoryTests(ITestOutputHelper output)
{
    private const int Runs = 100_000;
    private const int FirstSample = 20_000;

    /// <summary>Live heap (after a full, compacting collection) at run 20 000 and at the last run, read
    /// inside <see cref="Simulator.MonteCarloAsync"/> through its progress callback (synchronous: every 1 000
    /// runs). The Monte Carlo collector preallocates its list of times for every run, so the only legitimate
    /// growth between the two samples is new distinct failure paths (a few KB each at most).
    /// <para>Why it can fail: 80 000 runs lie between the samples, so anything kept per run of 26 bytes or more
    /// (one dictionary entry, one boxed value, a timeline entry, a RunResult: ~37 KB allocated per run) adds
    /// over 2 MB; a Jint engine or a callee engine created and kept per run adds far more. A per-run
    /// compilation of C# guards or callees shows in the loaded assembly count. Checked by hand on
    /// 2026-11-23: keeping a 30 000-byte array per progress tick after run 20 000 (30 bytes per run) makes it
    /// fail (+2 372 KB); as is, the heap moves by ~10 KB. Takes ~15 s in Debug (~7 s in Release).</para></summary>
    [Fact]
    public async Task Hundred_thousand_runs_of_partial_failure_keep_memory_flat_and_compile_nothing()
    {
        var (playbook, resolve) = Load("partial-failure.playbook");
        var (values, errors) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        Assert.Empty(errors);
        var simulator = new Simulator(playbook, resolve);

        // Warm up outside the measurement: callees resolved and compiled, Jint engines built, JIT done.
        await simulator.MonteCarloAsync(200, seed: 1, values);

        var samples = new Dictionary<int, (long Bytes, int Assemblies)>();
        var probe = new SyncProgress(done =>
        {
            if (done != FirstSample && done != Runs) return;
            samples[done] = (GC.GetTotalMemory(forceFullCollection: true), AppDomain.CurrentDomain.GetAssemblies().Length);
        });
        var watch = Stopwatch.StartNew();
        var result = await simulator.MonteCarloAsync(Runs, seed: 2026, values, progress: probe);
        watch.Stop();

        Assert.Equal(Runs, result.Runs);
        var (first, last) = (samples[FirstSample], samples[Runs]);
        output.WriteLine($"{Runs} runs in {watch.Elapsed.TotalSeconds:F1} s; heap {first.Bytes / 1024.0:F0} KB at {FirstSample}, {last.Bytes / 1024.0:F0} KB at {Runs} ({(last.Bytes - first.Bytes) / 1024.0:+0;-0} KB); " +
                         $"{first.Assemblies} → {last.Assemblies} assemblies; {result.FailurePaths.Count} failure paths, success {result.SuccessRate:P1}");
        Assert.InRange(last.Bytes - first.Bytes, long.MinValue, 2L * 1024 * 1024);
        Assert.Equal(first.Assemblies, last.Assemblies);
    }

    /// <summary>Reports on the calling thread at once (<see cref="Progress{T}"/> would post to the thread pool,
    /// after the run has moved on).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    /// <summary>A shipped playbook compiled, with a resolver that compiles each callee once (as the CLI's does).</summary>
    internal static (CompiledPlaybook Playbook, Func<CompiledPlaybook, string, CompiledPlaybook?> Resolve) Load(string file)
    {
        var path = Path.Combine(RepositoryRoot(), "playbooks", file);
        var workspace = new PlaybookWorkspace();
        var document = workspace.Load(path);
        Assert.False(document.HasErrors, $"{file} has errors");
        var callees = new Dictionary<string, CompiledPlaybook?>(StringComparer.Ordinal);
        CompiledPlaybook? Resolve(CompiledPlaybook caller, string name)
        {
            var model = workspace.Resolve(caller.Model, name, out var calleePath);
            if (model is null) return null;
            var key = Path.GetFullPath(calleePath);
            if (!callees.TryGetValue(key, out var known))
                callees[key] = known = workspace.Load(calleePath).HasErrors ? null : PlaybookCompiler.Compile(model);
            return known;
        }
        return (PlaybookCompiler.Compile(document.Model!), Resolve);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Playbook.sln"))) return dir.FullName;
        throw new InvalidOperationException("no Playbook.sln above the test assembly");
    }
}

/// <summary>Tests that measure the whole process (its heap, its loaded assemblies) run alone: other tests
/// running alongside would move the figures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresTheWholeProcess
{
    public const string Name = "measures the whole process";
}
