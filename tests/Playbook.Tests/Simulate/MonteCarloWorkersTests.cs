using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.Simulation;
using Playbook.Tests.Benchmarks;
using Playbook.Tests.RealRuns;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.Simulate;

/// <summary><c>simulate --runs</c> on every core: the same seed gives the same figures whatever the number of
/// workers (in process: 1, 2 and 4 workers; out of process: DOTNET_PROCESSOR_COUNT=1 and the machine's
/// cores), and failures, guard limits and cancellation behave as with one worker.</summary>
public class MonteCarloWorkersTests
{
    private static readonly int[] WorkerCounts = [1, 2, 4];

    /// <summary>Everything the report prints, as one comparable string (times in ticks).</summary>
    private static string Figures(MonteCarloResult r) =>
        $"{r.Runs} {r.Seed} {r.SuccessRate:R} {r.P50.Ticks} {r.P90.Ticks} {r.P99.Ticks} {r.Max.Ticks} {r.WithinRto}\n" +
        string.Join("\n", r.Ends.Select(e => $"end {e.Key}={e.Value}")) + "\n" +
        string.Join("\n", r.FailurePaths.Select(p => $"path {p.Count} {p.Path}")) + "\n" +
        string.Join(",", r.SortedTimes.Select(t => t.Ticks));

    [Fact]
    public async Task Partial_failure_with_its_callees_gives_the_same_figures_on_1_2_and_4_workers()
    {
        var (playbook, resolve) = SimulationMemoryTests.Load("partial-failure.playbook");
        var (values, errors) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        Assert.Empty(errors);
        var figures = new List<string>();
        foreach (var workers in WorkerCounts)
            figures.Add(Figures(await new Simulator(playbook, resolve).MonteCarloAsync(6_001, seed: 42, values, workers: workers)));
        Assert.Equal(figures[0], figures[1]);
        Assert.Equal(figures[0], figures[2]);
        // Not a trivially equal result: the runs differ from each other, and some call another playbook and fail.
        var one = await new Simulator(playbook, resolve).MonteCarloAsync(6_001, seed: 42, values, workers: 1);
        Assert.Equal(6_001, one.Runs);
        Assert.True(one.SortedTimes.Distinct().Count() > 100);
        Assert.NotEmpty(one.FailurePaths);
        Assert.NotEqual(figures[0], Figures(await new Simulator(playbook, resolve).MonteCarloAsync(6_001, seed: 43, values, workers: 2)));
    }

    [Fact]
    public async Task Csharp_guards_and_jitter_give_the_same_figures_on_1_2_and_4_workers_and_compile_once()
    {
        var playbook = Compile("""
            expressions csharp
            input limit : int = 3
            step count { shell "x" timeout 1m retry 2 backoff 2s x2 jitter capture n = `stdout.Length` -> choose  on fail -> failed
                         simulate { duration 1s..2m  fail 35%  outputs { stdout = "abcd" } } }
            decide choose { when `n > limit` -> done  else -> failed }
            end done success
            end failed failure
            """);
        var values = new Dictionary<string, object?> { ["limit"] = 3L };
        var simulator = new Simulator(playbook, (_, _) => null);
        await simulator.MonteCarloAsync(10, 1, values, workers: 1);
        var compiled = CSharpRuntime.CompiledCountFor(playbook);
        Assert.Equal(1, compiled);
        var figures = new List<string>();
        foreach (var workers in WorkerCounts)
            figures.Add(Figures(await simulator.MonteCarloAsync(5_000, seed: 9, values, workers: workers)));
        Assert.Equal(figures[0], figures[1]);
        Assert.Equal(figures[0], figures[2]);
        Assert.Equal(compiled, CSharpRuntime.CompiledCountFor(playbook));
    }

    /// <summary>A guard that throws (bad JSON) or breaks a limit (a loop past the statement limit) aborts
    /// that run, as with one worker: the aborted runs are counted, the other workers go on.</summary>
    [Theory]
    [InlineData("JSON.parse(\"{\").x > 2")]
    [InlineData("(() => { let i = 0; for (;;) { i++; } })()")]
    public async Task A_guard_that_fails_in_one_worker_aborts_that_run_only_and_is_counted_as_with_one_worker(string guard)
    {
        var playbook = Compile($$"""
            step count { shell "x" timeout 1m  on ok -> done  on fail -> check  simulate { duration 1s..2s  fail 2% } }
            decide check { when `{{guard}}` -> done  else -> failed }
            end done success
            end failed failure
            """);
        var values = new Dictionary<string, object?>();
        var results = new List<MonteCarloResult>();
        foreach (var workers in WorkerCounts)
            results.Add(await new Simulator(playbook, (_, _) => null).MonteCarloAsync(2_000, seed: 5, values, workers: workers));
        var aborted = results[0].Ends.GetValueOrDefault("aborted");
        Assert.InRange(aborted, 10, 90); // ~2 % of 2 000
        Assert.Equal(2_000 - aborted, results[0].Ends["done"]);
        Assert.All(results, r => Assert.Equal(Figures(results[0]), Figures(r)));
    }

    /// <summary>Something that is not a run's own failure (here the callee resolver breaking) stops Monte
    /// Carlo with the same exception whatever the number of workers: the one of the lowest run index.</summary>
    [Fact]
    public async Task A_worker_that_throws_stops_every_worker_with_the_exception_one_worker_would_have_met()
    {
        var folder = Directory.CreateTempSubdirectory("pb-mc-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "fixer.playbook"), "playbook fixer {\n  step fix { shell \"x\" timeout 1m  on ok -> fixed }\n  end fixed success\n}\n");
            await Throws(Compile("""
            step look { shell "x" timeout 1m  simulate { duration 1s..2s  fail 50% }  on ok -> done  on fail -> repair }
            step repair { call fixer  on ok -> done  on fail -> failed }
            end done success
            end failed failure
            """, folder: folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task Throws(CompiledPlaybook playbook)
    {
        foreach (var workers in WorkerCounts)
        {
            var calls = 0;
            var simulator = new Simulator(playbook, (_, name) => throw new InvalidOperationException($"resolver broke on '{name}' ({Interlocked.Increment(ref calls)})"));
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await simulator.MonteCarloAsync(100_000, seed: 3, new Dictionary<string, object?>(), workers: workers));
            Assert.StartsWith("resolver broke on 'fixer'", e.Message);
            Assert.InRange(calls, 1, workers); // each worker stopped at its first failure, none started another chunk
        }
    }

    [Fact]
    public async Task Cancelling_stops_every_worker_promptly_and_reports_no_figures()
    {
        var (playbook, resolve) = SimulationMemoryTests.Load("partial-failure.playbook");
        var (values, _) = RunParameters.Bind(playbook, new Dictionary<string, string>(), Simulator.PlaceholderSecret);
        using var stop = new CancellationTokenSource();
        var reported = 0;
        var progress = new SyncProgress(done =>
        {
            Volatile.Write(ref reported, Math.Max(Volatile.Read(ref reported), done));
            if (done >= 3_000) stop.Cancel();
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await new Simulator(playbook, resolve).MonteCarloAsync(5_000_000, seed: 1, values, progress: progress, ct: stop.Token, workers: 2));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"cancelled after {watch.Elapsed}");
        var last = Volatile.Read(ref reported);
        Assert.InRange(last, 3_000, 100_000);
        Thread.Sleep(300);
        Assert.Equal(last, Volatile.Read(ref reported)); // every worker has stopped: nothing reports any more
    }

    [Fact]
    public void The_cli_prints_the_same_bytes_on_one_core_and_on_every_core()
    {
        var root = SimulationMemoryTests.RepositoryRoot();
        string[] args = ["simulate", "playbooks/partial-failure.playbook", "--runs", "20000", "--seed", "7"];
        var outputs = new List<string>();
        foreach (var cores in new[] { "1", null, "4" })
            foreach (var format in new[] { "text", "json" })
            {
                var result = CliProcess.Run(root, new Dictionary<string, string?> { ["DOTNET_PROCESSOR_COUNT"] = cores }, [.. args, "--format", format]);
                Assert.True(result.Exit == 0, result.ToString());
                outputs.Add(result.Out);
            }
        Assert.Contains("runs, seed 7", outputs[0], StringComparison.Ordinal);
        Assert.Equal(outputs[0], outputs[2]);
        Assert.Equal(outputs[0], outputs[4]);
        Assert.Equal(outputs[1], outputs[3]);
        Assert.Equal(outputs[1], outputs[5]);
    }

    [Fact]
    public void Sigterm_stops_a_long_runs_with_a_message_and_exit_130()
    {
        var root = SimulationMemoryTests.RepositoryRoot();
        using var running = CliProcess.Start(root, new Dictionary<string, string?>(), "simulate", "playbooks/partial-failure.playbook", "--runs", "10000000");
        // Simulating when it has used 3 s of CPU (start-up and loading take ~1.5 s): on a loaded machine a
        // fixed sleep could stop it before it set up its handler. 10 million runs take minutes.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (CpuSeconds(running.Pid) < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the simulation never got going");
            Thread.Sleep(100);
        }
        RunWorkspace.Terminate(running.Pid);
        var result = running.Finish(TimeSpan.FromSeconds(30));
        Assert.True(result.Exit == 130, result.ToString());
        Assert.Contains("simulation interrupted before its 10,000,000 runs finished", result.Err);
        Assert.Equal("", result.Out);
    }

    /// <summary>User + system CPU time of a process, from /proc (clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime and stime: fields 14 and 15 of stat
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
