using System.Diagnostics;
using Playbook.CrashTest;
using Playbook.RunStores;
using Playbook.Tests.RunStores;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.Crash;

/// <summary>What the PostgreSQL crash test found: a run driven by host beta, taken over by alpha, then taken back by
/// beta. Beta still has its step directory from its first turn, but the step in flight was started by alpha, whose
/// status files beta cannot see. A missing status file there must not read as "never started" (and the change be
/// made again without a question): beta asks, like any host that cannot tell what a step did — also when beta itself
/// held the lease last (a refused resume), since the step's process record names the host that started it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStaleStepFilesTests(PostgresServerFixture server, ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "playbook-stale-steps-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_run_taken_back_by_a_host_that_drove_it_before_asks_about_the_step_another_host_left_in_flight_every_time_until_answered()
    {
        Directory.CreateDirectory(_work);
        File.WriteAllText(Path.Combine(_work, "turns.playbook"), """
            playbook turns {
              step one { shell "echo one >> ledger.txt; sleep 60"  timeout 2m  on ok -> two  on fail -> failed }
              step two { shell "echo two >> ledger.txt; sleep 60"  timeout 2m  on ok -> done  on fail -> failed }
              end done success
              end failed failure
            }
            """);
        var url = server.Url(server.NewDatabase(), "2s");
        Dictionary<string, string?> Host(string name) => new() { ["PLAYBOOK_HOST"] = name, ["PLAYBOOK_STORE"] = url };
        using var store = PostgresRunStore.Open(PostgresLocation.Parse(url, out _)!, Path.Combine(_work, "probe"));

        // Beta starts the run (its step directory is made) and is killed inside step one, with the step's process.
        await KillWhenLedgerHasAsync(CliProcess.Start(_work, Host("beta"), "run", "turns.playbook", "--journal", "beta-local"), "one");
        var runId = Assert.Single(store.List()).Run.RunId;
        await Until(() => store.LeaseOf(runId).Expired, "beta's lease to run out");

        // Alpha takes over (one did its change: skip), starts step two and is killed inside it.
        await KillWhenLedgerHasAsync(CliProcess.Start(_work, Host("alpha"), "resume", runId, "--journal", "alpha-local", "--answer", "one=skip"), "two");
        await Until(() => store.LeaseOf(runId).Expired, "alpha's lease to run out");

        // Beta takes it back: step two's status file is on alpha, so beta cannot say it never started.
        var asked = CliProcess.Run(_work, Host("beta"), "resume", runId, "--journal", "beta-local");
        output.WriteLine(asked.ToString());
        Assert.Equal(2, asked.Exit);
        Assert.Contains("step 'two' was running (attempt 1) when the run stopped, and it is not idempotent", asked.Err, StringComparison.Ordinal);
        Assert.Equal(["one", "two"], CrashPlaybook.ReadLedger(_work));

        // Beta held the lease for that refused resume, so the last holder is now beta itself: asked again, beta must
        // still not read its own stale directory for a step alpha started (the crash test ran such a step twice).
        var again = CliProcess.Run(_work, Host("beta"), "resume", runId, "--journal", "beta-local");
        output.WriteLine(again.ToString());
        Assert.Equal(2, again.Exit);
        Assert.Contains("step 'two' was running (attempt 1) when the run stopped, and it is not idempotent", again.Err, StringComparison.Ordinal);
        Assert.Equal(["one", "two"], CrashPlaybook.ReadLedger(_work));

        // Told what two did, beta finishes the run without making the change again.
        var finished = CliProcess.Run(_work, Host("beta"), "resume", runId, "--journal", "beta-local", "--answer", "two=skip");
        output.WriteLine(finished.ToString());
        Assert.Equal(0, finished.Exit);
        Assert.Equal(["one", "two"], CrashPlaybook.ReadLedger(_work));
    }

    private async Task KillWhenLedgerHasAsync(CliProcess.Running running, string line)
    {
        using (running)
        {
            await Until(() => CrashPlaybook.ReadLedger(_work).Contains(line), $"the ledger to say '{line}'");
            running.Kill();
            output.WriteLine(running.Finish().ToString());
        }
        // The step's process dies with its host.
        foreach (var (pid, _) in Orphans.In(_work))
        {
            try { Process.GetProcessById(pid).Kill(); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        await Orphans.WaitAsync(_work, TimeSpan.FromSeconds(30));
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"waited 120 s for {what}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }
}
