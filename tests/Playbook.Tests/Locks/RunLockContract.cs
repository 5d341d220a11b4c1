using Playbook.RunStores;
using Playbook.Tests.RunStores;
using Xunit;

namespace Playbook.Tests.Locks;

/// <summary>What every store's locks must do, run against each (<see cref="FileRunLocksContractTests"/>,
/// <see cref="PostgresRunLocksContractTests"/>): one live run holds a name at a time, seen with who and since when;
/// names are compared exactly; a lock given up, or whose holder died, is free; the same run takes its own lock again.</summary>
public abstract class RunLockContract : IDisposable
{
    protected abstract IRunStore Store { get; }

    protected abstract IRunLocks Locks { get; }

    /// <summary>Makes the holder of <paramref name="held"/> (under <paramref name="lease"/>) stop holding it without
    /// giving it up, as a runner killed with SIGKILL does: the file store's flock goes with the process (its record
    /// stays behind), a shared store's lease runs out unrenewed.</summary>
    protected abstract void LetHolderDie(HeldLock held, RunLease lease);

    private static readonly LeaseOwner Alpha = new("alpha", 4001, new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private static readonly LeaseOwner Beta = new("beta", 4002, new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private (RunLease Lease, LockClaim Claim) NewRun(LeaseOwner owner, string user)
    {
        var runId = JournaledRunId.Next();
        var lease = Assert.IsType<RunLease>(Store.TryCreate(runId, owner));
        return (lease, new LockClaim(runId, user, owner, lease));
    }

    [Fact]
    public void A_held_lock_refuses_a_second_run_and_names_its_holder_with_user_host_pid_and_since()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var (_, alice) = NewRun(Alpha, "alice");
        using var held = Assert.IsType<HeldLock>(Locks.TryTake("failover-eu", alice, out var none));
        Assert.Null(none);
        Assert.Equal("failover-eu", held.Name);

        var (_, bob) = NewRun(Beta, "bob");
        Assert.Null(Locks.TryTake("failover-eu", bob, out var holder));
        Assert.NotNull(holder);
        Assert.Equal((alice.RunId, "alice", "alpha", 4001), (holder!.RunId, holder.User, holder.Host, holder.Pid));
        Assert.InRange(holder.Since, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Contains($"run {alice.RunId} (alice@alpha, pid 4001) since ", holder.Describe(DateTimeOffset.UtcNow), StringComparison.Ordinal);

        Assert.Equal(alice.RunId, Locks.HolderOf("failover-eu")!.RunId);
        Assert.Equal(alice.RunId, Assert.Single(Locks.Held(), h => h.Name == "failover-eu").RunId);
    }

    [Fact]
    public void Names_are_compared_exactly()
    {
        var (_, alice) = NewRun(Alpha, "alice");
        using var held = Locks.TryTake("failover-eu", alice, out _);
        Assert.NotNull(held);
        foreach (var other in new[] { "failover-EU", "failover-eu ", "failover-e", "failover-eu\u0301" })
        {
            var (_, bob) = NewRun(Beta, "bob");
            using var taken = Locks.TryTake(other, bob, out var holder);
            Assert.True(taken is not null, $"'{other}' is another lock than 'failover-eu', but was refused ({holder?.RunId})");
        }
    }

    [Fact]
    public void A_lock_given_up_is_free_at_once_for_the_next_run()
    {
        var (_, alice) = NewRun(Alpha, "alice");
        var held = Locks.TryTake("db-primary", alice, out _)!;
        held.Dispose();
        Assert.Null(Locks.HolderOf("db-primary"));
        Assert.DoesNotContain(Locks.Held(), h => h.Name == "db-primary");
        var (_, bob) = NewRun(Beta, "bob");
        using var next = Locks.TryTake("db-primary", bob, out _);
        Assert.Equal(bob.RunId, next!.Holder.RunId);
        Assert.Equal(bob.RunId, Locks.HolderOf("db-primary")!.RunId);
    }

    [Fact]
    public void A_lock_whose_holder_died_is_free_and_its_stale_record_is_not_a_holder()
    {
        var (lease, alice) = NewRun(Alpha, "alice");
        var held = Locks.TryTake("failover-us", alice, out _)!;
        LetHolderDie(held, lease);
        Assert.Null(Locks.HolderOf("failover-us"));
        Assert.DoesNotContain(Locks.Held(), h => h.Name == "failover-us");
        var (_, bob) = NewRun(Beta, "bob");
        using var next = Locks.TryTake("failover-us", bob, out var holder);
        Assert.True(next is not null, $"refused by a dead holder: {holder?.RunId}");
        Assert.Equal(("bob", "beta"), (Locks.HolderOf("failover-us")!.User, Locks.HolderOf("failover-us")!.Host));
    }

    [Fact]
    public void Many_runs_racing_for_one_lock_leave_exactly_one_holder()
    {
        var claims = Enumerable.Range(0, 8).Select(i => NewRun(i % 2 == 0 ? Alpha : Beta, $"user{i}").Claim).ToList();
        var won = new System.Collections.Concurrent.ConcurrentBag<HeldLock>();
        Parallel.ForEach(claims, new ParallelOptions { MaxDegreeOfParallelism = 8 }, claim =>
        {
            if (Locks.TryTake("contended", claim, out _) is { } held) won.Add(held);
        });
        var winner = Assert.Single(won);
        Assert.Equal(winner.Holder.RunId, Locks.HolderOf("contended")!.RunId);
        winner.Dispose();
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
