using System.Diagnostics;
using Playbook.RunStores;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.RunStores;

/// <summary>A resume holds the run's lease from the moment it takes it, not only once it starts appending: what
/// comes first (reading the run again, checking it, reading its secrets — a vault command may be slow —, taking its
/// lock) may outlast the lease. Here a secret's command takes three lease lengths on resume; the lease must stay live
/// all along (nobody could take the run over from under it) and the resume must end the run, not be fenced.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresResumeLeaseTests(PostgresServerFixture server, ITestOutputHelper output) : IDisposable
{
    private const string Playbook = """
        playbook slow-vault {
          secret token from command "if [ -f slow ]; then sleep 7; fi; echo s3cret"

          step wait "Wait for go" {
            shell "touch started; for i in $(seq 600); do [ -f go ] && exit 0; sleep 0.1; done; exit 1"
            idempotent
            timeout 2m
            on ok   -> done
            on fail -> failed
          }

          end done   success
          end failed failure
        }
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("playbook-pglease-").FullName;

    [Fact]
    public async Task A_resume_keeps_its_lease_while_a_slow_secret_command_runs_and_then_ends_the_run()
    {
        File.WriteAllText(Path.Combine(_work, "slow-vault.playbook"), Playbook);
        var url = server.Url(server.NewDatabase(), "2s");
        var alpha = new Dictionary<string, string?> { ["PLAYBOOK_HOST"] = "alpha", ["PLAYBOOK_STORE"] = url };
        var beta = new Dictionary<string, string?> { ["PLAYBOOK_HOST"] = "beta", ["PLAYBOOK_STORE"] = url };

        using (var running = CliProcess.Start(_work, alpha, "run", "slow-vault.playbook", "--journal", "alpha-local"))
        {
            await Until(() => File.Exists(Path.Combine(_work, "started")), TimeSpan.FromSeconds(120), "the step to start");
            running.Kill();
            running.Finish();
        }
        using var store = PostgresRunStore.Open(PostgresLocation.Parse(url, out _)!, Path.Combine(_work, "probe"));
        var runId = Assert.Single(store.List()).Run.RunId;
        await Until(() => store.LeaseOf(runId).Expired, TimeSpan.FromSeconds(60), "alpha's lease to run out");

        File.WriteAllText(Path.Combine(_work, "slow"), "");
        File.WriteAllText(Path.Combine(_work, "go"), "");
        using var resuming = CliProcess.Start(_work, beta, "resume", runId, "--journal", "beta-local");
        await Until(() => LiveFor(store, runId, "beta"), TimeSpan.FromSeconds(60), "beta to take the lease");
        // The secret's command sleeps 7 s: well past the 2 s lease, the lease is still beta's and live.
        var held = Stopwatch.StartNew();
        while (held.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.True(LiveFor(store, runId, "beta"), $"beta's lease is not live {held.Elapsed.TotalSeconds:0.0} s into the resume, before its first record");
            await Task.Delay(200);
        }
        Assert.DoesNotContain(store.Read(runId)!.Records, r => r.Type == "run-resumed");

        var result = resuming.Finish(TimeSpan.FromMinutes(2));
        output.WriteLine(result.ToString());
        Assert.True(result.Exit == 0, result.ToString());
        Assert.DoesNotContain("lease lost", result.Err, StringComparison.Ordinal);
        Assert.Equal("success", store.Read(runId)!.Status);
    }

    private static bool LiveFor(PostgresRunStore store, string runId, string host) =>
        store.LeaseOf(runId) is { Holder: { } holder, ExpiresAt: { } at } lease && holder.Host == host && at > lease.Now;

    private static async Task Until(Func<bool> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, $"waited {limit.TotalSeconds:0} s for {what}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { }
    }
}
