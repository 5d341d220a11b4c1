using Playbook.RunStores;

namespace Playbook.CrashTest;

/// <summary><c>--store</c>: the crash test against PostgreSQL, on a server given by URL or on one of its own
/// (<c>--store postgres</c>), which it can also restart. Prints the summary; 0 when nothing was violated.</summary>
public static class StoreCrash
{
    public static async Task<int> RunAsync(string playbookDll, string store, string lease, int kills, int seed, int restartEvery, TimeSpan? budget, bool keep)
    {
        PostgresCluster? cluster = null;
        try
        {
            string url;
            if (store == "postgres")
            {
                cluster = new PostgresCluster();
                url = cluster.Url(cluster.NewDatabase(), lease);
                Console.WriteLine($"started a throw-away PostgreSQL on 127.0.0.1:{cluster.Port} ({cluster.Directory}); restarted once per {restartEvery} kills");
            }
            else
            {
                // The lease of the URL, if it says one; else the short lease of the crash test.
                url = store.Contains("lease=", StringComparison.Ordinal) ? store : store + (store.Contains('?') ? "&" : "?") + "lease=" + lease;
                Console.WriteLine($"store {RunStore.Shown(url)}: the server is not restarted (it is not the harness's own: use --store postgres for that)");
            }
            if (PostgresLocation.Parse(url, out var problem) is null)
            {
                Console.Error.WriteLine($"--store: {problem}");
                return 2;
            }
            var summary = await new StoreCrashHarness(new StoreCrashOptions
            {
                PlaybookDll = playbookDll,
                StoreUrl = url,
                Kills = kills,
                Seed = seed,
                Cluster = cluster,
                RestartEvery = restartEvery,
                TimeBudget = budget,
                Log = Console.WriteLine,
            }).RunAsync();
            Console.WriteLine();
            if (summary.Kills < kills) Console.WriteLine($"stopped at {summary.Kills} of {kills} kills: the time budget ({budget?.TotalMinutes:0} min) ran out");
            Console.WriteLine($"seed {seed}: {summary.Kills} kills over {summary.Runs} runs ({summary.Resumes} resumes, {summary.Takeovers} takeovers from another host), " +
                              $"{summary.RunsCompleted} runs completed, violations={summary.Violations.Count}, {summary.Elapsed.TotalSeconds:0.0} s " +
                              $"(an uninterrupted run takes {summary.UninterruptedRun.TotalMilliseconds:0} ms)");
            Console.WriteLine($"runners paused and continued after a takeover: {summary.Pauses}, fenced (lease lost, nothing appended): {summary.Fenced}; " +
                              $"connection kills: {summary.ConnectionKills} ({summary.BackendsTerminated} backends, {summary.MidStatement} mid-statement); " +
                              $"server restarts: {summary.Restarts}; runners stopped by a store error or lost lease and resumed: {summary.StoreStops}; " +
                              $"orphans killed with their host: {summary.OrphansKilled}; records checked: {summary.Records}");
            foreach (var v in summary.Violations) Console.WriteLine("violation: " + v);
            if (keep || summary.Violations.Count > 0) Console.WriteLine($"runs' directories kept in {summary.WorkDirectory}");
            else Directory.Delete(summary.WorkDirectory, recursive: true);
            return summary.Violations.Count == 0 ? 0 : 1;
        }
        catch (InvalidOperationException e) when (cluster is null && store == "postgres")
        {
            Console.Error.WriteLine($"cannot start PostgreSQL: {e.Message}");
            return 2;
        }
        finally
        {
            cluster?.Dispose();
        }
    }
}
