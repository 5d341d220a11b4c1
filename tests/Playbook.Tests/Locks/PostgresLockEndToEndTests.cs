using Npgsql;
using Playbook.RunStores;
using Playbook.Tests.RunStores;
using Xunit;
using Xunit.Abstractions;

namespace Playbook.Tests.Locks;

/// <summary>The lock across the team, with the real CLI and a real PostgreSQL: a run on host "alpha" holds
/// <c>failover-eu</c>; a run on host "beta" is refused naming alice@alpha, leaving no run behind; alpha's runner is
/// SIGKILLed, and beta's <c>--wait-lock</c> run starts only once alpha's lease has run out (which frees the lock).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLockEndToEndTests(PostgresServerFixture server, ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("playbook-pglock-e2e-").FullName;

    [Fact]
    public async Task A_lock_held_on_one_host_refuses_another_and_is_freed_by_the_killed_holders_lease_running_out()
    {
        File.WriteAllText(Path.Combine(_work, "failover.playbook"), LockEndToEndTests.Playbook);
        var database = server.NewDatabase();
        var url = server.Url(database, "4s");
        var alpha = new Dictionary<string, string?> { ["PLAYBOOK_HOST"] = "alpha", ["USER"] = "alice", ["PLAYBOOK_STORE"] = url };
        var beta = new Dictionary<string, string?> { ["PLAYBOOK_HOST"] = "beta", ["USER"] = "bob", ["PLAYBOOK_STORE"] = url };
        using var store = PostgresRunStore.Open(PostgresLocation.Parse(url, out _)!, Path.Combine(_work, "probe"));
        var locks = new PostgresRunLocks(store);

        using var first = CliProcess.Start(_work, alpha, "run", "failover.playbook", "--journal", "alpha-local");
        await LockEndToEndTests.Until(() => locks.HolderOf("failover-eu") is not null && File.Exists(Path.Combine(_work, "started-eu")), "alpha's run to hold the lock");
        var alphaRun = Assert.Single(store.List()).Run.RunId;
        Assert.Equal((alphaRun, "alice", "alpha"), (locks.HolderOf("failover-eu")!.RunId, locks.HolderOf("failover-eu")!.User, locks.HolderOf("failover-eu")!.Host));

        var refused = CliProcess.Run(_work, beta, "run", "failover.playbook", "--journal", "beta-local");
        output.WriteLine(refused.ToString());
        Assert.Equal(2, refused.Exit);
        Assert.Matches($@"^playbook: lock 'failover-eu' is held by run {alphaRun} \(alice@alpha, pid {first.Pid}\) since \d\d:\d\d:\d\d UTC \([^)]+\); wait for it with --wait-lock 10m\n$", refused.Err);
        // Nothing of the refused run is left: no record, and no run row either.
        Assert.Equal(1L, Count(database, "SELECT count(*) FROM playbook_runs"));

        var listed = CliProcess.Run(_work, beta, "runs");
        Assert.Contains($"{alphaRun}: holds lock 'failover-eu' (alice@alpha, pid {first.Pid})", listed.Out, StringComparison.Ordinal);

        // Beta queues while alpha lives; then alpha's runner is killed, and its lease (4 s) runs out unrenewed.
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var second = LockEndToEndTests.StartReadingStderr(_work, beta, said, "run", "failover.playbook", "--journal", "beta-local", "--wait-lock", "5m");
        await LockEndToEndTests.Until(() => said.Any(l => l.StartsWith("playbook: waiting up to ", StringComparison.Ordinal)), "beta's run to say it waits");
        Assert.Contains(said, l => l.Contains($"for lock 'failover-eu', held by run {alphaRun} (alice@alpha", StringComparison.Ordinal));
        first.Kill();
        first.Finish();
        await LockEndToEndTests.Until(() => locks.HolderOf("failover-eu") is { Host: "beta" }, "beta's run to take the lock");
        // Taken only once alpha's lease had run out: the lock lives exactly as long as its holder's lease.
        Assert.True(store.LeaseOf(alphaRun).Expired, "beta took the lock while alpha's lease was live");
        File.WriteAllText(Path.Combine(_work, "release"), "");
        Assert.True(second.WaitForExit(TimeSpan.FromMinutes(3)), "beta's run did not end");
        output.WriteLine(string.Join("\n", said));
        Assert.Equal(0, second.ExitCode);
        Assert.Null(locks.HolderOf("failover-eu"));
        Assert.Equal(0L, Count(database, "SELECT count(*) FROM playbook_locks"));
    }

    private long Count(string database, string sql)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        File.WriteAllText(Path.Combine(_work, "release"), "");
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { }
    }
}
