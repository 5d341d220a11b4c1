using System.Diagnostics;
using Playbook.CrashTest;
using Playbook.RunStores;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.RunStores;

/// <summary>The team story end to end with the real CLI and a real PostgreSQL: a run on host "alpha" is SIGKILLed
/// mid-run; host "beta" (PLAYBOOK_HOST, its own local directory: it has none of alpha's step files) is refused while
/// alpha's lease is live, sees the run orphaned once it runs out, takes it over, and the run completes with every
/// non-idempotent change made exactly once; the report shows the takeover.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTakeoverEndToEndTests(PostgresServerFixture server, ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "playbook-takeover-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_run_killed_on_one_host_is_taken_over_on_another_once_its_lease_runs_out_and_completes_with_each_change_once()
    {
        var playbook = CrashPlaybook.Beside();
        playbook.CopyInto(_work);
        var url = server.Url(server.NewDatabase(), "20s");
        var alpha = new Dictionary<string, string?> { ["PLAYBOOK_HOST"] = "alpha", ["PLAYBOOK_STORE"] = url };
        var beta = new Dictionary<string, string?> { ["PLAYBOOK_HOST"] = "beta", ["PLAYBOOK_STORE"] = url };

        using (var running = CliProcess.Start(_work, alpha, "run", CrashPlaybook.FileName, "--journal", "alpha-local"))
        {
            // Killed once it has made some changes, not at a fixed time: the machine may be slow.
            await Until(() => CrashPlaybook.ReadLedger(_work).Contains("s2"), "the run to make its second change");
            running.Kill();
            running.Finish();
        }
        using var store = PostgresRunStore.Open(PostgresLocation.Parse(url, out _)!, Path.Combine(_work, "probe"));
        var runId = Assert.Single(store.List()).Run.RunId;
        Assert.Equal("alpha", store.LeaseOf(runId).Holder!.Host);

        // Alpha's lease is live (20 s): nobody else may drive the run.
        var refused = CliProcess.Run(_work, beta, "resume", runId, "--journal", "beta-local");
        output.WriteLine(refused.ToString());
        Assert.Equal(2, refused.Exit);
        Assert.Contains($"run {runId} is running on alpha pid", refused.Err, StringComparison.Ordinal);

        await Until(() => store.LeaseOf(runId).Expired, "alpha's lease to run out");
        var listed = CliProcess.Run(_work, beta, "runs", "--status", "orphaned");
        output.WriteLine(listed.ToString());
        Assert.Equal(0, listed.Exit);
        Assert.Contains($"{runId}: orphaned: lease expired", listed.Out, StringComparison.Ordinal);
        Assert.Contains("held by alpha pid", listed.Out, StringComparison.Ordinal);
        Assert.Contains($"take over with playbook resume {runId} --store postgres://", listed.Out, StringComparison.Ordinal);

        // Beta has none of alpha's step files: a change in flight is answered by what the ledger shows (the existing rule).
        await Orphans.WaitAsync(_work, TimeSpan.FromSeconds(30));
        var ledger = CrashPlaybook.ReadLedger(_work);
        var answers = playbook.Writes.SelectMany(w => new[] { "--answer", $"{w.Address}={(ledger.Contains(w.Line) ? "skip" : "rerun")}" });
        var resumed = CliProcess.Run(_work, beta, ["resume", runId, "--journal", "beta-local", .. answers]);
        output.WriteLine(resumed.ToString());
        Assert.Equal(0, resumed.Exit);
        Assert.Contains("took the run over from alpha pid", resumed.Out, StringComparison.Ordinal);

        Assert.Empty(CrashChecks.Ledger(playbook.Changes, CrashPlaybook.ReadLedger(_work)));
        var run = store.Read(runId)!;
        Assert.Equal("success", run.Status);
        var takeover = Assert.Single(run.Records, r => r.Type == "run-resumed");
        Assert.StartsWith("alpha pid ", takeover.Body.GetProperty("taken_over_from").GetString(), StringComparison.Ordinal);
        Assert.Equal("beta", takeover.Body.GetProperty("host").GetString());

        var report = CliProcess.Run(_work, beta, "report", runId);
        Assert.Equal(0, report.Exit);
        Assert.Contains("| taken over | on beta at ", report.Out, StringComparison.Ordinal);
        Assert.Contains("from alpha pid", report.Out, StringComparison.Ordinal);
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
