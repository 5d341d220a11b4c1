using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Playbook.Compiling;
using Playbook.CrashTest;
using Playbook.EngineCore;
using Playbook.LiveRuns;
using Playbook.RunStores;

namespace Playbook.Benchmarks;

/// <summary><c>--store [ROUNDS] [CONCURRENT]</c>: the file store next to PostgreSQL in the same run, on a throw-away
/// server of its own (<see cref="PostgresCluster"/>, data on the same disk as the journals). (1) Per-step overhead: a
/// playbook of 40 no-op steps run through <see cref="LiveRun.StartAsync"/> — journal files on disk, then the same
/// playbook with its records in PostgreSQL — alternating, ROUNDS times each; per step = wall time / 40, medians and
/// their ratio (goal: PostgreSQL ≤ 2× the file store). (2) CONCURRENT runs of the same playbook at once against one
/// PostgreSQL, each with a store (a connection pool) of its own as separate runners would have; then every run is
/// read back and its records counted and checked: seqs 1..N, checksums, the run's end, and as many records as the
/// file store's run of the same playbook wrote (0 lost).</summary>
public static class StoreBenchmark
{
    private const int Steps = 40;

    public static int Run(string[] args)
    {
        var rounds = DevCommands.IntArg(args, 1, 15);
        var concurrent = DevCommands.IntArg(args, 2, 50);
        var root = Path.Combine(Corpus.RepositoryRoot(), "BenchmarkDotNet.Artifacts", "store-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, "no-ops.playbook");
        File.WriteAllText(path, RunOverheadBenchmarks.NoOpPlaybook(Steps));
        var document = new PlaybookWorkspace().Load(path);
        if (document.HasErrors || document.Model is null) throw new InvalidOperationException($"{path} has errors");
        var playbook = PlaybookCompiler.Compile(document.Model);
        Console.WriteLine($"load average before: {LoadAverage()}");
        using var cluster = new PostgresCluster();
        try
        {
            var url = cluster.Url(cluster.NewDatabase());
            var location = PostgresLocation.Parse(url, out _)!;
            using var store = PostgresRunStore.Open(location, Path.Combine(root, "pg-local"));
            var runs = 0;
            string Next() => Path.Combine(root, "file", (++runs).ToString(CultureInfo.InvariantCulture));

            // Warm-up: JIT, the pool's first connections.
            for (var i = 0; i < 3; i++)
            {
                RunAsync(playbook, root, Next(), null).GetAwaiter().GetResult();
                RunAsync(playbook, root, Next(), store).GetAwaiter().GetResult();
            }
            var file = new List<double>();
            var pg = new List<double>();
            var fileRecords = 0;
            for (var i = 0; i < rounds; i++)
            {
                var clock = Stopwatch.StartNew();
                var outcome = RunAsync(playbook, root, Next(), null).GetAwaiter().GetResult();
                file.Add(clock.Elapsed.TotalMilliseconds / Steps);
                fileRecords = JournaledRun.Read(outcome.JournalPath!).Records.Count;
                clock.Restart();
                RunAsync(playbook, root, Next(), store).GetAwaiter().GetResult();
                pg.Add(clock.Elapsed.TotalMilliseconds / Steps);
            }
            var (fileMedian, pgMedian) = (Median(file), Median(pg));
            Console.WriteLine($"per step, {Steps} no-op steps, {rounds} runs each, alternating (load average {LoadAverage()}):");
            Console.WriteLine($"  file store (journal on disk): median {fileMedian:0.000} ms, min {file.Min():0.000} ms");
            Console.WriteLine($"  PostgreSQL store:             median {pgMedian:0.000} ms, min {pg.Min():0.000} ms");
            Console.WriteLine($"  ratio PostgreSQL / file: {pgMedian / fileMedian:0.00}x (median), {pg.Min() / file.Min():0.00}x (min); goal <= 2x");
            Console.WriteLine($"  records per run: {fileRecords}");

            // (2) Many runners at once against one server.
            var database = cluster.NewDatabase();
            var concurrentUrl = cluster.Url(database);
            var stores = Enumerable.Range(0, concurrent)
                .Select(i => PostgresRunStore.Open(PostgresLocation.Parse(concurrentUrl, out _)!, Path.Combine(root, "pg-concurrent", i.ToString(CultureInfo.InvariantCulture))))
                .ToList();
            var wall = Stopwatch.StartNew();
            var outcomes = Task.WhenAll(stores.Select(s => Task.Run(() => RunAsync(playbook, root, Next(), s)))).GetAwaiter().GetResult();
            var elapsed = wall.Elapsed;
            foreach (var s in stores) s.Dispose();
            var problems = Verify(cluster.ConnectionString(database), PostgresLocation.Parse(concurrentUrl, out _)!, root, outcomes.Select(o => o.RunId!).ToList(), fileRecords);
            var total = outcomes.Length * fileRecords;
            Console.WriteLine($"{concurrent} concurrent runs of {Steps} steps against one PostgreSQL: {elapsed.TotalSeconds:0.00} s wall, " +
                              $"{total / elapsed.TotalSeconds:0} records/s committed (load average {LoadAverage()})");
            Console.WriteLine($"  records expected {total}, found and valid {total - problems.Lost}; lost or damaged: {problems.Lost}; runs not ending in success: {problems.Failed}");
            foreach (var p in problems.Messages.Take(20)) Console.WriteLine("  problem: " + p);
            return problems.Lost == 0 && problems.Failed == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Every run read back as a team member would (through the store: checksums, seq, validation) and its
    /// rows counted in SQL: seqs 1..N and exactly as many as the file store's run wrote.</summary>
    private static (int Lost, int Failed, List<string> Messages) Verify(string connectionString, PostgresLocation location, string root, List<string> runIds, int expected)
    {
        var lost = 0;
        var failed = 0;
        var messages = new List<string>();
        using var store = PostgresRunStore.Open(location, Path.Combine(root, "pg-verify"));
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        foreach (var id in runIds)
        {
            using var command = new NpgsqlCommand("SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM playbook_records WHERE run_id = @run", connection);
            command.Parameters.AddWithValue("run", id);
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                var (count, min, max) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                if (count != expected || min != 1 || max != count)
                {
                    lost += (int)Math.Max(expected - count, 1);
                    messages.Add($"run {id}: {count} rows, seq {min}..{max}; expected {expected} rows, seq 1..{expected}");
                }
            }
            var run = store.Read(id);
            if (run is null || run.Contents.Damage is not null || run.Records.Count != expected)
            {
                lost++;
                messages.Add($"run {id}: read back {run?.Records.Count ?? 0} records{(run?.Contents.Damage is { } d ? ", damaged: " + d.Reason : "")}");
            }
            if (run?.Status != "success")
            {
                failed++;
                messages.Add($"run {id}: {run?.Status ?? "missing"}");
            }
        }
        return (lost, failed, messages);
    }

    private static async Task<LiveRunOutcome> RunAsync(CompiledPlaybook playbook, string root, string journal, IRunStore? store)
    {
        var outcome = await LiveRun.StartAsync(new LiveRunOptions
        {
            Playbook = playbook,
            ResolveCallee = (_, _) => null,
            View = new SilentRunView(),
            JournalDirectory = journal,
            WorkingDirectory = root,
            NotifyUrl = null,
            Store = store,
        });
        return outcome.Result is { Status: RunStatus.Success }
            ? outcome
            : throw new InvalidOperationException($"the run did not succeed: {outcome.Result?.Reason ?? string.Join("; ", outcome.Errors)}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
