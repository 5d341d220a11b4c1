using System.Text.Json;
using Playbook.Journal;
using Playbook.RunStores;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>What every run store must do, run against each (<see cref="FileRunStoreContractTests"/>,
/// <see cref="PostgresRunStoreContractTests"/>): records come back in order and checked, tampering is refused,
/// a lease is exclusive while held, a runner whose lease was taken cannot append, runs are listed with their lease.</summary>
public abstract class RunStoreContract : IDisposable
{
    protected abstract IRunStore Store { get; }

    /// <summary>Makes the holder of <paramref name="lease"/> stop holding it without releasing it, as a dead or hung
    /// runner does: the file store's lock goes with its process; a shared store's lease runs out unrenewed.</summary>
    protected abstract void LetLeaseLapse(RunLease lease);

    /// <summary>Changes record <paramref name="seq"/>'s stored bytes, as someone editing the store would.</summary>
    protected abstract void Tamper(string runId, long seq);

    /// <summary>Whether a lease taken after a lapse says from whom (a shared store does; the file store's runs are resumed on one machine).</summary>
    protected abstract bool SaysTakeover { get; }

    private static readonly LeaseOwner Alpha = new("alpha", 4001, new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private static readonly LeaseOwner Beta = new("beta", 4002, new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private static string NewRunId() => JournaledRunId.Next();

    private static void Record(JournalWriter writer, string type, int n, bool durable = true) =>
        writer.Append(type, w => w.WriteNumber("n", n), durable);

    [Fact]
    public void Records_come_back_in_the_order_they_were_appended_with_their_fields()
    {
        var runId = NewRunId();
        var lease = Assert.IsType<RunLease>(Store.TryCreate(runId, Alpha));
        using (var writer = Store.OpenWriter(lease, Empty))
        {
            Record(writer, "run-started", 0);
            // Records not flushed one by one ride on the next durable one, as in a file.
            for (var i = 1; i < 60; i++) Record(writer, i % 3 == 0 ? "durable" : "bookkeeping", i, durable: i % 3 == 0 || i == 59);
        }
        var contents = Assert.IsType<JournalContents>(Store.ReadContents(runId));
        Assert.Null(contents.Damage);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), contents.Records.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(0, 60), contents.Records.Select(r => r.Body.GetProperty("n").GetInt32()));
        Assert.Equal("run-started", contents.Records[0].Type);
        Assert.Null(Store.ReadContents(NewRunId()));
    }

    [Fact]
    public void A_record_changed_in_the_store_is_refused_on_read_with_its_checksum()
    {
        var runId = NewRunId();
        var lease = Store.TryCreate(runId, Alpha)!;
        using (var writer = Store.OpenWriter(lease, Empty))
        {
            for (var i = 0; i < 5; i++) Record(writer, "step", i);
        }
        Tamper(runId, 3);
        var contents = Store.ReadContents(runId)!;
        var damage = Assert.IsType<JournalDamage>(contents.Damage);
        Assert.Contains("checksum mismatch", damage.Reason, StringComparison.Ordinal);
        // Damage with good records after it is no crash: a resume refuses it.
        Assert.False(damage.AtTail);
        Assert.Equal(2, contents.Records.Count);
    }

    [Fact]
    public void A_held_lease_is_not_taken_and_a_lapsed_one_is_taken_with_a_larger_epoch_that_fences_off_the_old_holder()
    {
        var runId = NewRunId();
        var first = Store.TryCreate(runId, Alpha)!;
        Assert.Null(Store.TryCreate(runId, Beta));
        var old = Store.OpenWriter(first, Empty);
        Record(old, "run-started", 1);
        Record(old, "step", 2);

        Store.Renew(first);
        Assert.Null(Store.TryAcquire(runId, Beta, out var holder));
        Assert.True(holder.HeldNow);

        LetLeaseLapse(first);
        var second = Assert.IsType<RunLease>(Store.TryAcquire(runId, Beta, out _));
        Assert.True(second.Epoch > first.Epoch, $"epoch {second.Epoch} after {first.Epoch}");
        if (SaysTakeover)
        {
            var takeover = Assert.IsType<Takeover>(second.TakenOver);
            Assert.Equal(Alpha.Host, takeover.From.Host);
            Assert.Equal(Alpha.Pid, takeover.From.Pid);
            Assert.True(takeover.At >= takeover.ExpiredAt);
        }

        using (var writer = Store.OpenWriter(second, Store.ReadContents(runId)!))
            Record(writer, "run-resumed", 3);
        // The old holder wakes up and tries to go on: refused, and nothing of it is stored.
        var lost = Assert.Throws<LeaseLostException>(() => Record(old, "step", 99));
        Assert.Contains("lease", lost.Message, StringComparison.Ordinal);
        Assert.Throws<LeaseLostException>(() => Store.Renew(first));
        old.Dispose();

        var contents = Store.ReadContents(runId)!;
        Assert.Null(contents.Damage);
        Assert.Equal([1, 2, 3], contents.Records.Select(r => r.Body.GetProperty("n").GetInt32()));
    }

    [Fact]
    public void A_released_lease_is_free_at_once_for_the_next_runner()
    {
        var runId = NewRunId();
        var lease = Store.TryCreate(runId, Alpha)!;
        using (var writer = Store.OpenWriter(lease, Empty)) Record(writer, "run-started", 1);
        Store.Release(lease);
        var next = Assert.IsType<RunLease>(Store.TryAcquire(runId, Beta, out _));
        // A clean stop is resumed, not taken over.
        Assert.Null(next.TakenOver);
    }

    [Fact]
    public async Task Concurrent_appenders_lose_and_duplicate_nothing()
    {
        // Eight runs written at once, and one run written by eight threads through its writer.
        var runs = Enumerable.Range(0, 8).Select(_ => NewRunId()).ToList();
        var shared = NewRunId();
        var sharedLease = Store.TryCreate(shared, Alpha)!;
        // Runners renew their leases while they write, however slow the machine.
        using var sharedKeeper = new LeaseKeeper(Store, sharedLease);
        using var sharedWriter = Store.OpenWriter(sharedLease, Empty);
        await Task.WhenAll(runs.Select((runId, t) => Task.Run(() =>
        {
            var lease = Store.TryCreate(runId, Alpha)!;
            using var keeper = new LeaseKeeper(Store, lease);
            using var writer = Store.OpenWriter(lease, Empty);
            for (var i = 0; i < 40; i++)
            {
                Record(writer, "step", i, durable: i % 2 == 0 || i == 39);
                Record(sharedWriter, "step", t * 1000 + i);
            }
        })));
        foreach (var runId in runs)
            Assert.Equal(Enumerable.Range(0, 40), Store.ReadContents(runId)!.Records.Select(r => r.Body.GetProperty("n").GetInt32()));
        var all = Store.ReadContents(shared)!;
        Assert.Null(all.Damage);
        Assert.Equal(320, all.Records.Count);
        Assert.Equal(320, all.Records.Select(r => r.Body.GetProperty("n").GetInt32()).Distinct().Count());
        // Each thread's records keep their order.
        foreach (var t in Enumerable.Range(0, 8))
        {
            var mine = all.Records.Select(r => r.Body.GetProperty("n").GetInt32()).Where(n => n / 1000 == t).ToList();
            Assert.Equal(mine.Order(), mine);
        }
    }

    [Fact]
    public void Runs_are_listed_with_their_status_and_lease()
    {
        var ended = NewRunId();
        var running = NewRunId();
        var lapsed = NewRunId();
        foreach (var (runId, end) in new[] { (ended, true), (running, false), (lapsed, false) })
        {
            var lease = Store.TryCreate(runId, Alpha)!;
            using (var writer = Store.OpenWriter(lease, Empty))
            {
                RunStarted(writer, runId);
                if (end) writer.Append("run-ended", w => { w.WriteString("status", "success"); w.WriteNumber("elapsed_ms", 5); });
            }
            if (end) Store.Release(lease);
            if (runId == lapsed) LetLeaseLapse(lease);
            if (runId == running)
            {
                _held.Add(lease);
                // Renewed while the test looks, however slow the machine.
                _keepers.Add(new LeaseKeeper(Store, lease));
            }
        }
        var listed = Store.List().ToDictionary(s => s.Run.RunId);
        Assert.Equal("success", listed[ended].Run.Status);
        Assert.Equal("store-contract", listed[ended].Run.PlaybookName);
        Assert.True(listed[running].Run.Running);
        Assert.True(listed[running].Lease.HeldNow);
        Assert.False(listed[lapsed].Run.Running);
        Assert.Equal("unfinished", listed[lapsed].Run.Status);
        Assert.False(listed[lapsed].Lease.HeldNow);
        if (SaysTakeover)
        {
            Assert.True(listed[lapsed].Lease.Expired);
            Assert.Equal("alpha", listed[lapsed].Lease.Holder!.Host);
            Assert.Equal("alpha", listed[running].Lease.Holder!.Host);
        }
        // Oldest first, by id.
        var order = Store.List().Select(s => s.Run.RunId).ToList();
        Assert.Equal(order.Order(StringComparer.Ordinal), order);
    }

    private readonly List<RunLease> _held = [];
    private readonly List<LeaseKeeper> _keepers = [];

    private static void RunStarted(JournalWriter writer, string runId) =>
        writer.Append("run-started", w =>
        {
            w.WriteString("run", runId);
            w.WriteString("playbook", "/srv/playbooks/store-contract.playbook");
            w.WriteString("name", "store-contract");
            w.WriteString("sha256", new string('a', 64));
            w.WriteStartObject("inputs");
            w.WriteEndObject();
            w.WriteStartArray("secrets");
            w.WriteEndArray();
            w.WriteNumber("seed", 7);
            w.WriteString("started_at", DateTimeOffset.UtcNow.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("pid", Environment.ProcessId);
        });

    protected static JournalContents Empty => new([], 0, null);

    public virtual void Dispose()
    {
        foreach (var keeper in _keepers) keeper.Dispose();
        foreach (var lease in _held) Store.Release(lease);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Run ids as the runner draws them, never twice in one test process.</summary>
internal static class JournaledRunId
{
    private static int _n;

    public static string Next() => $"20261206-080000-{Interlocked.Increment(ref _n):x4}";
}
