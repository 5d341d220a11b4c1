using Playbook.CrashTest;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.Crash;

/// <summary>The crash test against a real PostgreSQL store, short: runners SIGKILLed at random moments (some paused and
/// continued after another host took the run over), their connections terminated mid-statement, the server restarted,
/// each run resumed from a different simulated host once its lease ran out; every change once, records whole and in
/// order, no two runners appending. Its own server (it is restarted: the other PostgreSQL tests share theirs). Seeded:
/// a failure replays with <c>dotnet run -c Release --project tools/Playbook.CrashTest -- --store postgres --kills 20
/// --seed 20261206 --restart-every 8</c>.</summary>
[Collection(KillsRealRuns.Name)]
public sealed class PostgresCrashTests(ITestOutputHelper output)
{
    private const int Seed = 20261206;

    [Fact]
    public async Task Runs_in_postgres_killed_20_times_and_taken_over_from_other_hosts_do_every_change_once_with_records_whole_and_fenced()
    {
        using var cluster = new PostgresCluster();
        var summary = await new StoreCrashHarness(new StoreCrashOptions
        {
            PlaybookDll = CliProcess.PlaybookDll(),
            StoreUrl = cluster.Url(cluster.NewDatabase(), "2s"),
            Kills = 20,
            Seed = Seed,
            Cluster = cluster,
            RestartEvery = 8,
            // Higher than the tool's defaults, so that 20 kills see each kind of failure.
            PauseChance = 0.3,
            ConnectionKillChance = 0.5,
            Log = output.WriteLine,
        }).RunAsync();

        output.WriteLine($"{summary.Kills} kills over {summary.Runs} runs ({summary.Resumes} resumes, {summary.Takeovers} takeovers), {summary.Pauses} paused, " +
                         $"{summary.Fenced} fenced, {summary.ConnectionKills} connection kills, {summary.Restarts} restarts, {summary.Records} records in {summary.Elapsed.TotalSeconds:0.0} s");
        Assert.True(summary.Violations.Count == 0, string.Join("\n", summary.Violations) + $"\n(evidence kept in {summary.WorkDirectory})");
        Assert.Equal(20, summary.Kills);
        Assert.Equal(summary.Runs, summary.RunsCompleted);
        // Each disruption happened, and each taken-over paused runner was refused its next write.
        Assert.True(summary.Takeovers > 0, "no run was taken over from another host");
        // A restart is due every 8 kills and stays due until it lands under a runner; the second may not have landed by
        // the 20th kill, so at least one is asked (each restart's runs are checked like any other).
        Assert.True(summary.Restarts >= 1, "the server was never restarted under a runner");
        Assert.True(summary.ConnectionKills > 0, "no runner's connection was terminated");
        Assert.True(summary.Pauses > 0, "no runner was paused and continued after a takeover");
        Assert.True(summary.Fenced > 0, "no paused runner was fenced off");
        Assert.True(summary.Records > 0);
        Directory.Delete(summary.WorkDirectory, recursive: true);
    }
}
