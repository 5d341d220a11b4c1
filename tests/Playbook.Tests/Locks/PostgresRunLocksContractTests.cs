using System.Diagnostics;
using Playbook.RunStores;
using Playbook.Tests.RunStores;
using Xunit;

namespace Playbook.Tests.Locks;

/// <summary>The lock contract on a real PostgreSQL (leases of 3 s): a lock row counts only while its run's lease does.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRunLocksContractTests : RunLockContract
{
    private readonly PostgresRunStore _store;
    private readonly PostgresRunLocks _locks;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "playbook-pglocks-" + Guid.NewGuid().ToString("N"));

    public PostgresRunLocksContractTests(PostgresServerFixture server)
    {
        _store = PostgresRunStore.Open(PostgresLocation.Parse(server.Url(server.NewDatabase(), "3s"), out _)!, _local);
        _locks = new PostgresRunLocks(_store);
    }

    protected override IRunStore Store => _store;

    protected override IRunLocks Locks => _locks;

    // A killed runner stops renewing: its row stays, and stops counting when the lease runs out (the database's clock).
    protected override void LetHolderDie(HeldLock held, RunLease lease)
    {
        var clock = Stopwatch.StartNew();
        while (!_store.LeaseOf(lease.RunId).Expired)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the lease of {lease.RunId} did not run out within 60 s");
            Thread.Sleep(100);
        }
    }

    [Fact]
    public void A_takeover_fences_the_old_runner_off_the_lock_and_the_new_runner_takes_it_keeping_since()
    {
        var alpha = new LeaseOwner("alpha", 4001, DateTimeOffset.UtcNow.AddMinutes(-1));
        var runId = JournaledRunId.Next();
        var first = _store.TryCreate(runId, alpha)!;
        var oldLock = _locks.TryTake("failover-eu", new LockClaim(runId, "alice", alpha, first), out _)!;
        var since = oldLock.Holder.Since;
        LetHolderDie(oldLock, first);

        var beta = new LeaseOwner("beta", 4002, DateTimeOffset.UtcNow);
        var second = Assert.IsType<RunLease>(_store.TryAcquire(runId, beta, out _));
        Assert.Null(_locks.HolderOf("failover-eu"));
        using var newLock = Assert.IsType<HeldLock>(_locks.TryTake("failover-eu", new LockClaim(runId, "bob", beta, second), out _));
        var holder = _locks.HolderOf("failover-eu")!;
        Assert.Equal(("bob", "beta", since), (holder.User, holder.Host, holder.Since));

        // The old runner letting go (late) does not free the lock the new one holds.
        oldLock.Dispose();
        Assert.Equal("beta", _locks.HolderOf("failover-eu")!.Host);

        // Nor can the old lease take it back: refused, with the new runner named.
        Assert.Null(_locks.TryTake("failover-eu", new LockClaim(runId, "alice", alpha, first), out var current));
        Assert.Equal("beta", current!.Host);
    }

    [Fact]
    public void Released_lease_frees_the_lock_even_when_the_row_stays()
    {
        var alpha = new LeaseOwner("alpha", 4001, DateTimeOffset.UtcNow);
        var runId = JournaledRunId.Next();
        var lease = _store.TryCreate(runId, alpha)!;
        _ = _locks.TryTake("db", new LockClaim(runId, "alice", alpha, lease), out _)!;
        _store.Release(lease);
        Assert.Null(_locks.HolderOf("db"));
    }

    public override void Dispose()
    {
        base.Dispose();
        _store.Dispose();
        if (Directory.Exists(_local)) Directory.Delete(_local, recursive: true);
    }
}
